// The graphql-jit anchor: the schema and data of the `stock` target (bench/anchor-schema.mjs)
// executed by graphql-jit on plain node:http, each query text parsed, validated and compiled
// once (cached), the result written with JSON.stringify. No Apollo, no plugins: what a compiled
// executor costs when nothing else runs. Env: PORT, SCHEMA_FILE, SNAPSHOT_FILE.
import { createServer } from 'node:http';
import { text } from 'node:stream/consumers';
import { parse, validate } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { anchorSchema, snapshotStore } from './anchor-schema.mjs';

const schema = anchorSchema(process.env.SCHEMA_FILE, snapshotStore(process.env.SNAPSHOT_FILE));
const compiled = new Map();

/** The compiled query for a text, or the errors that stop it (parse, validation), compiled once either way. */
function compile(query) {
  let entry = compiled.get(query);
  if (entry === undefined) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      entry = errors.length ? { errors } : compileQuery(schema, document);
    } catch (error) {
      entry = { errors: [{ message: String(error.message ?? error) }] };
    }
    compiled.set(query, entry);
  }
  return entry;
}

const server = createServer(async (req, res) => {
  let status = 200;
  let result;
  try {
    const { query, variables } = JSON.parse(await text(req));
    const entry = compile(query);
    if (isCompiledQuery(entry)) result = await entry.query(undefined, {}, variables ?? {});
    else {
      status = 400;
      result = { errors: entry.errors };
    }
  } catch (error) {
    status = 400;
    result = { errors: [{ message: String(error) }] };
  }
  // Apollo Server ends its JSON with a newline; so does this, for byte-identical answers.
  const body = `${JSON.stringify(result)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
