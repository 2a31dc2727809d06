import { describe, expect, it } from 'vitest';
import { invalidFileText, refusedLine, reloadedLine } from '../../../gateway/cli/reload-status';

const paths = { configPath: 'ws.yaml', secretsPath: 'sec/secrets.json' };
const bySecrets = [{ path: '(secrets)', message: 'consumer "alex": secret "alex" has no key "password"' }];
const byField = [{ path: 'services[0].upstream.url', message: 'not a valid URL' }];

describe('reload status lines', () => {
  it('say which file was reloaded: the config, the secrets file, or both', () => {
    expect(reloadedLine({ ...paths, config: true, secrets: false })).toBe('reloaded ws.yaml');
    expect(reloadedLine({ ...paths, config: false, secrets: true })).toBe('reloaded the secrets file sec/secrets.json');
    expect(reloadedLine({ ...paths, config: true, secrets: true })).toBe('reloaded ws.yaml and the secrets file sec/secrets.json');
    expect(reloadedLine({ configPath: 'ws.yaml', config: true, secrets: true }, '; gateway.port takes effect later')).toBe('reloaded ws.yaml; gateway.port takes effect later');
  });

  it('blame the secrets file for a refusal by the secrets when it alone changed, never the unchanged config', () => {
    const line = refusedLine({ ...paths, config: false, secrets: true }, bySecrets);
    expect(line).toBe('kept the running config; the secrets file sec/secrets.json changed, and ws.yaml cannot be served with it:\n(secrets): consumer "alex": secret "alex" has no key "password"');
    expect(line).not.toContain('ws.yaml is invalid');
    expect(refusedLine({ ...paths, config: true, secrets: true }, bySecrets)).toBe('kept the running config; ws.yaml and the secrets file sec/secrets.json changed, and cannot be served together:\n(secrets): consumer "alex": secret "alex" has no key "password"');
    expect(refusedLine({ ...paths, config: true, secrets: false }, bySecrets)).toBe('kept the running config; ws.yaml is invalid:\n(secrets): consumer "alex": secret "alex" has no key "password"');
  });

  it("blame the config file for its own fields' errors, whatever else changed", () => {
    for (const secrets of [false, true]) expect(refusedLine({ ...paths, config: true, secrets }, byField)).toBe('kept the running config; ws.yaml is invalid:\nservices[0].upstream.url: not a valid URL');
    expect(invalidFileText('ws.yaml', byField)).toBe('ws.yaml is invalid:\nservices[0].upstream.url: not a valid URL');
  });
});
