#!/usr/bin/env node
// The gateway alone (no keychain): secrets from --secrets FILE or $GATEHOUSE_SECRETS.
import { exitWhenDone, runGatewayCli } from './gateway-cli';

exitWhenDone(runGatewayCli(process.argv.slice(2)));
