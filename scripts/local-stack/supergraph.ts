// The supergraph of rover.yaml, composed with @apollo/composition: `rover supergraph compose`
// downloads its composition plugin at run time, which fails offline.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';

/** rover.yaml at the top of the repository. */
export const ROVER_CONFIG_PATH = join(__dirname, '..', '..', 'rover.yaml');

/** One subgraph of rover.yaml: its routing URL and the SDL of its schema file. */
export interface RoverSubgraph {
  readonly url: string;
  readonly sdl: string;
}

/** Reads rover.yaml the way rover does: schema files are relative to the config file. */
export function readRoverSubgraphs(path: string = ROVER_CONFIG_PATH): Map<string, RoverSubgraph> {
  const config = parseYaml(readFileSync(path, 'utf8')) as {
    subgraphs?: Record<string, { routing_url?: unknown; schema?: { file?: unknown } }>;
  };
  const subgraphs = new Map<string, RoverSubgraph>();
  for (const [name, subgraph] of Object.entries(config.subgraphs ?? {})) {
    const url = subgraph?.routing_url;
    const file = subgraph?.schema?.file;
    if (typeof url !== 'string' || typeof file !== 'string') {
      throw new Error(`rover.yaml: subgraph ${name} needs routing_url and schema.file`);
    }
    subgraphs.set(name, { url, sdl: readFileSync(join(dirname(path), file), 'utf8') });
  }
  return subgraphs;
}

/**
 * Composes rover.yaml's subgraphs into a supergraph SDL. `urls` replaces routing URLs (where
 * each subgraph really listens); `sdls` replaces schema files (e.g. what a running subgraph
 * serves). Throws with every composition error.
 */
export function composeRoverSupergraph(
  options: { urls?: Readonly<Record<string, string>>; sdls?: Readonly<Record<string, string>>; path?: string } = {},
): string {
  const subgraphs = readRoverSubgraphs(options.path);
  const result = composeServices(
    [...subgraphs].map(([name, { url, sdl }]) => ({
      name,
      url: options.urls?.[name] ?? url,
      typeDefs: parse(options.sdls?.[name] ?? sdl),
    })),
  );
  if (result.errors || !result.supergraphSdl) {
    throw new Error(`rover.yaml does not compose: ${(result.errors ?? []).map((e) => e.message).join('; ')}`);
  }
  return result.supergraphSdl;
}
