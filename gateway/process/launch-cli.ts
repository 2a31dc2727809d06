#!/usr/bin/env node
// The headless CLI's launcher (built to out/gateway/cli.cjs): runs the CLI's bundle, gatehouse-cli.cjs beside it
// (bundle-options.ts), through V8's code cache (code-cache.ts). The file name is a literal, so the launcher stays
// free of build code; the CLI's tests run the two as built, and fail if they differ.
import { join } from 'node:path';
import { runWithCodeCache } from './code-cache';

runWithCodeCache(join(__dirname, 'gatehouse-cli.cjs'));
