// The sandbox is self-contained (node built-ins only) so it can start before, and without, the
// rest of src/. It knows no provider: each provider folder describes its fake (a ProviderFake) and
// whoever starts the sandbox, a fake upstream or a benchmark passes those descriptions in.
export { startSandbox } from './sandbox';
export type { Sandbox, SandboxAccount, SandboxOptions } from './sandbox';
export { FakeUpstream } from './fake-upstream';
export type { FakeUpstreamOptions, RecordedRequest } from './fake-upstream';
export { Gate, faults } from './faults';
export type { Fault, FaultContext } from './faults';
export { fillSample } from './provider-fake';
export type { FakeAccount, FakeEndpoint, FakeRequest, FakeResponse, ProviderFake, WireCredentials } from './provider-fake';
export { parseBasicAuth } from './http';
