// zod without its JIT: imported by every module that builds zod schemas, before it builds any (zod reads the
// setting as each object schema is built).
//
// With the JIT, an object schema's first parse writes its parser as source text and compiles it with `new Function`.
// That pays off over many parses of one schema; Gatehouse parses a workspace once per load or save, and the rest
// (secrets files, IPC requests, bundles) a few times a session. In the gateway, the compiling was most of validating
// the workspace at start-up (13.6 against 5.7 ms in start-up profiles): spawn to first answer 266-281 against
// 281-296 ms (the bench's workspace, median of 11 starts, three alternating rounds). In the renderer the CSP
// (script-src 'self', no 'unsafe-eval') forbids it outright: even zod's probe for eval shows up there as a
// `securitypolicyviolation`.
import { config } from 'zod';

config({ jitless: true });
