// The sandbox is self-contained (node built-ins only) so it can start before, and without, the rest of src/.
export { startSandbox } from './sandbox';
export type { Sandbox, SandboxOptions } from './sandbox';
export type { SandboxAccount, SandboxProvider } from './fixtures';
