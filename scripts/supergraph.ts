// Composes a supergraph from a rover-style config with @apollo/composition, offline:
//   npm run -s supergraph -- [--config rover.yaml] [--out supergraph.graphql]
// `rover supergraph compose --config <file>` gives the same schema where rover can download its
// composition plugin; the local stack (deploy/compose) runs this script in the image's tools stage.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';

interface RoverConfig {
  subgraphs?: Record<string, { routing_url?: unknown; schema?: { file?: unknown } }>;
}

/** The value after `--name`, or the fallback. */
function option(name: string, fallback: string | null): string | null {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? null);
}

/** Composes the subgraphs a rover config lists (schema files relative to the config, as rover reads them). */
export function composeRoverConfig(configPath: string): string {
  const config = parseYaml(readFileSync(configPath, 'utf8')) as RoverConfig;
  const services = Object.entries(config.subgraphs ?? {}).map(([name, subgraph]) => {
    if (typeof subgraph?.routing_url !== 'string' || typeof subgraph.schema?.file !== 'string') {
      throw new Error(`${configPath}: subgraph ${name} needs routing_url and schema.file`);
    }
    const sdl = readFileSync(resolve(dirname(configPath), subgraph.schema.file), 'utf8');
    return { name, url: subgraph.routing_url, typeDefs: parse(sdl) };
  });
  const result = composeServices(services);
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

if (require.main === module) {
  try {
    const supergraph = composeRoverConfig(resolve(option('config', 'rover.yaml') ?? 'rover.yaml'));
    const out = option('out', null);
    if (out === null) {
      process.stdout.write(supergraph);
    } else {
      mkdirSync(dirname(resolve(out)), { recursive: true });
      writeFileSync(out, supergraph);
      process.stderr.write(`supergraph written to ${out}\n`);
    }
  } catch (error) {
    process.stderr.write(`supergraph: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
