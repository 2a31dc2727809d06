// Imported first by main.tsx, before any schema is built: zod's JIT compiles parsers with `new Function`,
// which the CSP (script-src 'self', no 'unsafe-eval') forbids. Even its probe for eval shows up as a
// `securitypolicyviolation`, so the renderer runs zod jitless.
import { config } from 'zod';

config({ jitless: true });
