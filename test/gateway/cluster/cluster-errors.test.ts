// What is shown of text from outside: a plugin's stderr with credential-like words masked, a library's message
// with only labelled credentials masked (it names hosts and URLs the user needs to read).
import { describe, expect, it } from 'vitest';
import { redactedLine, redactedPluginLine } from '../../../gateway/cluster/cluster-errors';

const SECRET = 'S3CR3T-exec-1a2b3c4d5e';

describe('redactedPluginLine', () => {
  it('keeps the first line and masks the unlabelled tokens plugins quote', () => {
    expect(redactedPluginLine(`\n  error: refresh token ${SECRET} has expired\ndebug: sent Authorization: Bearer ${SECRET}\n`)).toBe(
      'error: refresh token [redacted] has expired',
    );
    expect(redactedPluginLine('token is expired: eyJhbGciOi...')).toBe('token is expired: [redacted]');
    expect(redactedPluginLine('bad id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).toBe('bad id_token [redacted]');
    expect(redactedPluginLine('cached 0123456789abcdef0123 is stale')).toBe('cached [redacted] is stale');
    expect(redactedPluginLine(`debug: sent Authorization: Bearer ${SECRET}`)).toBe('debug: sent Authorization: Bearer [redacted]');
  });

  it('leaves ordinary words, paths without digits and short codes', () => {
    const line = 'error: open /home/dev/.kube/cache/oidc-login/tokens: permission denied (E401, HTTP 401, v1.32.4)';
    expect(redactedPluginLine(line)).toBe(line);
    expect(redactedPluginLine('gke-gcloud-auth-plugin: not logged in; run gcloud auth login')).toBe('gke-gcloud-auth-plugin: not logged in; run gcloud auth login');
  });

  it('masks before cutting the line, so no start of a token is left at the cut', () => {
    const shown = redactedPluginLine(`${'word '.repeat(59)}${SECRET} and more`);
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(shown).not.toMatch(/S3C/);
  });
});

describe('redactedLine', () => {
  it("masks labelled credentials only: a library message's URL and host stay readable", () => {
    expect(redactedLine('request to https://api.c-1a2b3c.example.com:6443/version failed, reason: socket hang up')).toBe(
      'request to https://api.c-1a2b3c.example.com:6443/version failed, reason: socket hang up',
    );
    expect(redactedLine('refused: token=abc123 Bearer xyz')).toBe('refused: token=[redacted] Bearer [redacted]');
  });
});
