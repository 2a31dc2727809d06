import { describe, expect, it } from 'vitest';
import { GatehouseError, failureOf, withHint } from '../../../gateway/errors/gatehouse-error';
import { CredentialEndpointError } from '../../../gateway/security/credential-endpoint-error';
import { UnreachableError } from '../../../main/services/cluster/cluster-errors';
import { VaultUnavailableError } from '../../../main/services/vault';
import { WorkspaceValidationError } from '../../../gateway/config/validate';

class DiskFullError extends GatehouseError {
  readonly code = 'GATEHOUSE_DISK_FULL';
}

describe('GatehouseError', () => {
  it('carries a code, a message, an optional hint and cause', () => {
    const cause = new Error('ENOSPC');
    const error = new DiskFullError('cannot write workspace.json', { hint: 'Free some disk space.', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'GATEHOUSE_DISK_FULL', message: 'cannot write workspace.json', hint: 'Free some disk space.', cause });
    expect(new DiskFullError('x').hint).toBeUndefined();
  });

  it('becomes plain data for another process, without a stack, and without an absent hint', () => {
    expect(failureOf(new DiskFullError('cannot write', { hint: 'Free space.' }))).toEqual({ code: 'GATEHOUSE_DISK_FULL', message: 'cannot write', hint: 'Free space.' });
    expect(failureOf(new DiskFullError('cannot write'))).toEqual({ code: 'GATEHOUSE_DISK_FULL', message: 'cannot write' });
  });

  it("is the base of the product's errors, which keep their own codes and hints", () => {
    const unreachable = new UnreachableError('https://k8s.test', 'ECONNREFUSED');
    expect(unreachable).toBeInstanceOf(GatehouseError);
    expect(unreachable.hint).toContain('Check the address');
    const vault = new VaultUnavailableError({ code: 'GATEHOUSE_VAULT_LOCKED', problem: 'the keyring is locked', hint: 'Unlock it.' });
    expect(failureOf(vault)).toEqual({ code: 'GATEHOUSE_VAULT_LOCKED', message: 'OS keychain unavailable: the keyring is locked. Unlock it.', hint: 'Unlock it.' });
    expect(new WorkspaceValidationError([{ path: 'services', message: 'bad' }])).toBeInstanceOf(GatehouseError);
  });

  it('gives both credential endpoints one class, telling them apart by code', () => {
    const oauth = new CredentialEndpointError('oauth-token', 'https://idp.test/token', 'http-status', 401, 'token endpoint answered HTTP 401');
    const csrf = new CredentialEndpointError('csrf-token', 'https://erp.test/csrf', 'no-token', 200, 'no X-CSRF-Token');
    expect([oauth.code, csrf.code]).toEqual(['GATEHOUSE_TOKEN_ENDPOINT', 'GATEHOUSE_CSRF_TOKEN']);
    expect([oauth.status, csrf.status]).toEqual([502, 502]);
  });
});

describe('withHint', () => {
  it('puts the hint after the message, once', () => {
    expect(withHint('cannot reach k8s', 'Check the VPN.')).toBe('cannot reach k8s. Check the VPN.');
    expect(withHint('cannot reach k8s.', 'Check the VPN.')).toBe('cannot reach k8s. Check the VPN.');
    expect(withHint('locked. Unlock it.', 'Unlock it.')).toBe('locked. Unlock it.');
    expect(withHint('plain', undefined)).toBe('plain');
  });
});
