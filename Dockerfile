# syntax=docker/dockerfile:1
# The billing subgraph's image. Build and run (README, "Deployment"):
#   docker build -t billing-subgraph .
#   docker run --rm -p 4001:4001 billing-subgraph
# Stages: `build` compiles with every dependency; `tools` adds the sources the local stack runs
# with dev dependencies (companion subgraph, supergraph composition: deploy/compose); `runtime`,
# the last and default target, holds production dependencies and the compiled code only.
# test/deploy/dockerfile.test.ts lints this file (stages, user, health check, npm commands).

# --- build: dev dependencies, then the same `npm ci` and `npm run build` as CI --------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
# The lockfile alone decides the dependency layer, so source edits reuse it.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- tools: the repository on top of the build, for deploy/compose only (never deployed) ----
FROM build AS tools
COPY . .
# Where deploy/compose's supergraph service writes the composed schema (a volume the router reads).
RUN mkdir -p /supergraph && chown 1000:1000 /supergraph
USER 1000:1000

# --- runtime: what production runs ---------------------------------------------------------
FROM node:22-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to node (which drains, then closes) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4001
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
# The committed SDL, for operators (rover, registries) reading it from the image.
COPY schema.graphql ./
# Numeric (the image's `node` user), so Kubernetes' runAsNonRoot can verify it. Files stay
# root-owned: the process cannot change its own code.
USER 1000:1000
EXPOSE 4001
# Slim images have no curl: node itself asks the liveness route.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('node:http').get({ host: '127.0.0.1', port: process.env.PORT || 4001, path: '/healthz', timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
