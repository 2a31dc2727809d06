// A kubeconfig's values read as kubectl reads them: YAML 1.1 as go-yaml v2 resolves it, into client-go's typed
// fields, so that an unquoted `yes` is true where kubectl reads true or false and refused where it reads a string.
// What kubectl does with each value was measured with kubectl v1.32 and is checked again against the real kubectl
// where it is installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfigText } from '../../../gateway/cluster/kubeconfig-file';
import { KubeconfigError } from '../../../gateway/cluster/cluster-errors';
import { clusterAccessFromKubeconfig } from '../../../gateway/cluster/kubeconfig-access';
import { HAVE_KUBECTL, kubectl } from '../../support/fake-kube-api/kubectl';

/** What kubectl makes of a plain scalar in a string field: the string, unset, or a type it refuses there. */
type Verdict = { string: string } | 'unset' | 'boolean' | 'number';

const SCALARS: [written: string, kubectl: Verdict][] = [
  ...['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y', 'true', 'True', 'TRUE', 'no', 'NO', 'off', 'Off', 'OFF', 'n', 'N', 'false', 'FALSE', '!!bool yes'].map(
    (word): [string, Verdict] => [word, 'boolean'],
  ),
  ...['123', '+12', '-0', '0777', '08', '0x1F', '-0x1F', '0X1f', '0o17', '0O17', '0b101', '0B1', '1_000', '0x_1F', '1.', '.5', '-.5', '12e03', '1.5E+3', '!!int 12'].map(
    (number): [string, Verdict] => [number, 'number'],
  ),
  // go-yaml has no sexagesimal numbers or timestamps, and a word in mixed case is no boolean.
  ...['1:20', '190:20:30', '2024-01-01', '2001-12-14t21:59:43.10-05:00', 'yES', 'oN', 'tRUE', 'nULL', '0o', '0x', '0b', '_1', '1.5e', '1,000', '.', '=', 'abc'].map(
    (word): [string, Verdict] => [word, { string: word }],
  ),
  ['"yes"', { string: 'yes' }],
  ["'on'", { string: 'on' }],
  ['!!str 123', { string: '123' }],
  ['!!binary aGVsbG8=', { string: 'hello' }],
  ['null', 'unset'],
  ['~', 'unset'],
  ['NULL', 'unset'],
];

/** A kubeconfig with `token: <token>` and the lines given added to its cluster, user and context, written as given. */
const config = (extra: { token?: string; cluster?: string; user?: string; context?: string }) => `apiVersion: v1
kind: Config
current-context: c
clusters:
- name: the-cluster
  cluster:
    server: https://127.0.0.1:6443
${extra.cluster ?? ''}
users:
- name: the-user
  user:
    token: ${extra.token ?? 'abc'}
${extra.user ?? ''}
contexts:
- name: c
  context:
    cluster: the-cluster
    user: the-user
${extra.context ?? ''}
`;

/** `token: <token>` and `insecure-skip-tls-verify: <flag>`, unquoted. */
const kubeconfigText = (token: string, flag = 'true') => config({ token, cluster: `    insecure-skip-tls-verify: ${flag}` });

const read = (text: string) => readKubeconfigText(Buffer.from(text), '/home/me/.kube/config');

/** What Gatehouse makes of the token written, as a Verdict. */
function gatehouseVerdict(written: string): Verdict {
  try {
    const token = read(kubeconfigText(written))!.users[0]!.token;
    return token === undefined ? 'unset' : { string: token };
  } catch (error) {
    const type = /users\[0\]\.user\.token \(in user "the-user"\) is a (boolean|number) where kubectl reads a string/.exec((error as Error).message)?.[1];
    if (!type) throw error;
    return type as 'boolean' | 'number';
  }
}

describe('a plain scalar in a string field (token), as kubectl reads it', () => {
  it.each(SCALARS)('%s: %j', (written, verdict) => {
    expect(gatehouseVerdict(written)).toEqual(verdict);
  });

  it('refused whole, naming the field and its entry, what it is and what to do, never quoting the value', () => {
    const refuse = (text: string) => {
      try {
        read(text);
      } catch (error) {
        expect(error).toBeInstanceOf(KubeconfigError);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refuse(kubeconfigText('on'))).toBe(
      'Kubeconfig /home/me/.kube/config is not valid: users[0].user.token (in user "the-user") is a boolean where kubectl reads a string: ' +
        'put it in quotes (unquoted, yes, no, on, off, y and n are booleans in YAML 1.1, which kubectl reads a kubeconfig as)',
    );
    const numeric = refuse(kubeconfigText('0x7f3a9c1e5b2d'));
    expect(numeric).toBe('Kubeconfig /home/me/.kube/config is not valid: users[0].user.token (in user "the-user") is a number where kubectl reads a string: put it in quotes');
    expect(numeric).not.toMatch(/7f3a9c1e5b2d|139889704065837/);
  });
});

describe('every typed field, as client-go types it', () => {
  it('yes, on and y are true in the boolean fields (insecure-skip-tls-verify, disable-compression, provideClusterInfo), no, off and n false', () => {
    for (const [word, value] of [['yes', true], ['on', true], ['y', true], ['no', false], ['off', false], ['n', false]] as const) {
      const entries = read(config({
        cluster: `    insecure-skip-tls-verify: ${word}\n    disable-compression: ${word}`,
        user: `    exec: {apiVersion: client.authentication.k8s.io/v1, command: login, provideClusterInfo: ${word}}`,
      }))!;
      expect(entries.clusters[0]).toMatchObject({ skipTLSVerify: value });
      expect(entries.clusters[0]?.disableCompression).toBe(value || undefined);
      expect((entries.users[0]?.exec as { provideClusterInfo?: boolean }).provideClusterInfo).toBe(value);
    }
  });

  it('a boolean, number or list where client-go has a string, or a string where it has a boolean: refused, naming the field', () => {
    const cases: [Parameters<typeof config>[0], string][] = [
      [{ cluster: '    insecure-skip-tls-verify: "yes"' }, 'clusters[0].cluster.insecure-skip-tls-verify (in cluster "the-cluster") is a string where kubectl reads true or false: write true or false, without quotes'],
      [{ cluster: '    insecure-skip-tls-verify: 1' }, 'clusters[0].cluster.insecure-skip-tls-verify (in cluster "the-cluster") is a number where kubectl reads true or false'],
      [{ context: '    namespace: on' }, 'contexts[0].context.namespace (in context "c") is a boolean where kubectl reads a string'],
      [{ user: '    exec: {apiVersion: client.authentication.k8s.io/v1, command: login, args: [get-token, on]}' }, 'users[0].user.exec.args[1] (in user "the-user") is a boolean where kubectl reads a string'],
      [{ user: '    exec: {apiVersion: client.authentication.k8s.io/v1, command: login, env: [{name: DEBUG, value: y}]}' }, 'users[0].user.exec.env[0].value (in user "the-user") is a boolean where kubectl reads a string'],
      [{ user: '    auth-provider: {name: oidc, config: {refresh-token: 12345}}' }, 'users[0].user.auth-provider.config.refresh-token (in user "the-user") is a number where kubectl reads a string'],
      [{ user: '    as-groups: [admins, yes]' }, 'users[0].user.as-groups[1] (in user "the-user") is a boolean where kubectl reads a string'],
      [{ user: '    client-key-data: [a, b]' }, 'users[0].user.client-key-data (in user "the-user") is a list where kubectl reads a string'],
    ];
    for (const [extra, problem] of cases) {
      expect(() => read(config(extra))).toThrow(`Kubeconfig /home/me/.kube/config is not valid: ${problem}`);
    }
    expect(() => read('apiVersion: v1\nkind: Config\ncurrent-context: yes\nclusters: []\n')).toThrow(
      'Kubeconfig /home/me/.kube/config is not valid: current-context is a boolean where kubectl reads a string',
    );
    expect(() => read('clusters: {name: c}\n')).toThrow('Kubeconfig /home/me/.kube/config is not valid: clusters is a mapping where kubectl reads a list');
    expect(() => read('- a\n- b\n')).toThrow('Kubeconfig /home/me/.kube/config is not valid: the document is a list where kubectl reads a mapping');
  });

  it('fields client-go does not have are left alone, whatever they hold, and YAML 1.1 merge keys are read', () => {
    const entries = read(`apiVersion: v1
kind: Config
preferences: {colors: yes}
clusters:
- name: base
  cluster: &base
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: on
- name: merged
  cluster:
    <<: *base
    server: https://127.0.0.2:6443
users:
- name: u
  user: {token: abc, some-plugin-setting: yes, retries: 3}
contexts:
- name: c
  context: {cluster: merged, user: u}
`)!;
    expect(entries.clusters[1]).toMatchObject({ name: 'merged', server: 'https://127.0.0.2:6443', skipTLSVerify: true });
    expect(entries.users[0]?.token).toBe('abc');
  });
});

/**
 * certificate-authority-data written (as a YAML scalar) and what kubectl v1.32 made of it: taken, or refused at
 * the byte its error names ("illegal base64 data at input byte N"), measured with `kubectl config view --raw`.
 */
const BASE64: [written: string, kubectl: number | 'taken'][] = [
  ['QUJD', 'taken'],
  ['QQ==', 'taken'],
  ['QR==', 'taken'], // Go's StdEncoding is not strict: the unused bits may be set
  ['"QU\\nJD"', 'taken'], // \n and \r are skipped anywhere, a block scalar's line breaks too
  ['"QU\\rJD"', 'taken'],
  ['"QQ=\\n="', 'taken'],
  ['"QUJD\\n"', 'taken'],
  ['|\n      QUJD\n      QUJD', 'taken'],
  ['""', 'taken'],
  ['QQ', 0], // padding is required
  ['Q', 0],
  ['QQ=', 3],
  ['QUJ D', 3], // a space is not skipped
  ['"QU\\tJD"', 2],
  ['QQ==QQ==', 4], // nothing after the padding
  ['QQ==x', 4],
  ['QUJD====', 4],
  ['QUJ-', 3], // the standard alphabet, not the URL one
  ['a%b=', 1],
  ['"QUJDQUJDQUJD!"', 12],
  ['"QUJDQUJDQUJDQ"', 12],
];

describe('certificate and key data, decoded as kubectl decodes base64', () => {
  const withCaData = (written: string) => config({ cluster: `    certificate-authority-data: ${written}` });

  it.each(BASE64)('certificate-authority-data: %s: %s', (written, verdict) => {
    if (verdict === 'taken') {
      expect(() => read(withCaData(written))).not.toThrow();
      return;
    }
    expect(() => read(withCaData(written))).toThrow(
      `Kubeconfig /home/me/.kube/config is not valid: clusters[0].cluster.certificate-authority-data (in cluster "the-cluster"): not valid base64, which kubectl refuses ("illegal base64 data at input byte ${verdict}")`,
    );
  });

  it('each of the three fields refused naming its entry and field, never the value', () => {
    const key = 'c2VjcmV0LWtleS1ieXRlcw';
    let message = '';
    try {
      read(config({ cluster: '    certificate-authority-data: QUJD', user: `    client-certificate-data: QUJD\n    client-key-data: ${key}` }));
    } catch (error) {
      expect(error).toBeInstanceOf(KubeconfigError);
      message = (error as Error).message;
    }
    expect(message).toBe(
      'Kubeconfig /home/me/.kube/config is not valid: users[0].user.client-key-data (in user "the-user"): not valid base64, which kubectl refuses ("illegal base64 data at input byte 20"): ' +
        'write the file\'s contents base64-encoded, padded with = to a multiple of 4 characters (base64 -w0 FILE)',
    );
    expect(message).not.toContain(key);
    expect(() => read(config({ user: '    client-certificate-data: QQ=\n    client-key-data: QUJD' }))).toThrow(
      'users[0].user.client-certificate-data (in user "the-user"): not valid base64, which kubectl refuses ("illegal base64 data at input byte 3")',
    );
  });
});

describe('read by the headless gateway\'s --kubeconfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-kubeconfig-fields-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('insecure-skip-tls-verify: yes turns verification off, as in kubectl (it was the string "yes", and verification stayed on)', async () => {
    const file = join(dir, 'yes');
    await writeFile(file, kubeconfigText('abc', 'yes'));
    expect(await clusterAccessFromKubeconfig(file)).toMatchObject({ skipTLSVerify: true, authorization: 'Bearer abc' });
  });

  it('certificate-authority-data that is not base64 is refused before any request (client-node decoded what it could)', async () => {
    const file = join(dir, 'ca-data');
    await writeFile(file, config({ cluster: '    certificate-authority-data: QUJD QUJD' }));
    await expect(clusterAccessFromKubeconfig(file)).rejects.toThrow(
      `kubeconfig ${file}: Kubeconfig ${file} is not valid: clusters[0].cluster.certificate-authority-data (in cluster "the-cluster"): not valid base64, which kubectl refuses ("illegal base64 data at input byte 4")`,
    );
  });

  it('token: on is refused as kubectl refuses it (it was sent as "Bearer on")', async () => {
    const file = join(dir, 'on');
    await writeFile(file, kubeconfigText('on'));
    await expect(clusterAccessFromKubeconfig(file)).rejects.toThrow(`kubeconfig ${file}: Kubeconfig ${file} is not valid: users[0].user.token (in user "the-user") is a boolean where kubectl reads a string`);
  });
});

describe.skipIf(!HAVE_KUBECTL && !process.env.CI)('the real kubectl, given the same values', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-kubeconfig-kubectl-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** What kubectl makes of the token written, from `kubectl config view --raw` or its error. */
  async function kubectlVerdict(written: string, index: number): Promise<Verdict> {
    const file = join(dir, `token-${index}`);
    await writeFile(file, kubeconfigText(written));
    const run = await kubectl(file, ['config', 'view', '--raw', '-o', 'json']);
    if (run.code === 0) {
      const token = (JSON.parse(run.stdout) as { users: { user: { token?: string } }[] }).users[0]!.user.token;
      return token === undefined ? 'unset' : { string: token };
    }
    if (run.stderr.includes('cannot unmarshal bool into Go struct field AuthInfo.users.user.token of type string')) return 'boolean';
    if (run.stderr.includes('cannot unmarshal number into Go struct field AuthInfo.users.user.token of type string')) return 'number';
    throw new Error(`kubectl: ${run.stderr}`);
  }

  it('reads each scalar in a string field as the table says', async () => {
    const seen: [string, Verdict][] = [];
    for (const [i, [written]] of SCALARS.entries()) seen.push([written, await kubectlVerdict(written, i)]);
    expect(seen).toEqual(SCALARS);
  });

  it('takes or refuses each base64 value as the table says, at the same byte', async () => {
    const seen: [string, number | 'taken'][] = [];
    for (const [i, [written]] of BASE64.entries()) {
      const file = join(dir, `ca-data-${i}`);
      await writeFile(file, config({ cluster: `    certificate-authority-data: ${written}` }));
      const run = await kubectl(file, ['config', 'view', '--raw']);
      const refused = /illegal base64 data at input byte (\d+)/.exec(run.stderr)?.[1];
      if (run.code !== 0 && refused === undefined) throw new Error(`kubectl: ${run.stderr}`);
      seen.push([written, refused === undefined ? 'taken' : Number(refused)]);
    }
    expect(seen).toEqual(BASE64);
  });

  it('reads yes, on and y as true in a boolean field, and refuses a quoted "yes" there', async () => {
    for (const word of ['yes', 'on', 'y']) {
      const file = join(dir, `flag-${word}`);
      await writeFile(file, kubeconfigText('abc', word));
      const run = await kubectl(file, ['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.insecure-skip-tls-verify}']);
      expect(run.stdout).toBe('true');
    }
    const quoted = join(dir, 'flag-quoted');
    await writeFile(quoted, kubeconfigText('abc', '"yes"'));
    expect((await kubectl(quoted, ['config', 'view', '--raw'])).stderr).toContain('cannot unmarshal string into Go struct field Cluster.clusters.cluster.insecure-skip-tls-verify of type bool');
  });
});
