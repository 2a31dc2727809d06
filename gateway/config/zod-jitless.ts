// zod without its JIT: imported by every module that builds zod schemas, before it builds any (zod reads the
// setting as each object schema is built).
//
// With the JIT, an object schema's first parse writes its parser as source text and compiles it with `new Function`.
// That pays off over many parses of one schema; Gatehouse parses a workspace once per load or save, and the rest
// (secrets files, IPC requests, bundles) a few times a session. In the gateway, the compiling was most of validating
// the workspace at start-up: spawn to first answer 274-275 against 283-288 ms (the bench's workspace, 11 starts
// each, two alternating rounds). In the renderer the CSP (script-src 'self', no 'unsafe-eval') forbids it outright:
// even zod's probe for eval shows up there as a `securitypolicyviolation`.
import { config } from 'zod';

config({ jitless: true });
