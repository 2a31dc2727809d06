// The headless gateway loads yaml only for a document that needs it: a plain JSON workspace or secrets file is read
// by JSON.parse alone (parse-document.ts), which keeps yaml's code and work out of the gateway's idle memory.
import { describe, expect, it, vi } from 'vitest';
import { readJsonOrYaml } from '../../../gateway/config/parse-document';

const yamlLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('yaml', async (importOriginal) => {
  yamlLoads.count += 1;
  return importOriginal();
});

describe('loading yaml', () => {
  it('happens for a YAML document, never for plain JSON', async () => {
    // Colons, quotes and backslashes inside strings are not members: still plain JSON.
    const json = '{"url": "http://h:1/p?q=a:b", "quote\\":": "\\"x:\\"", "back\\\\": "c:\\\\", "list": [{"k": ":"}, {"k": 2}]}';
    expect(await readJsonOrYaml(json, 'ws.json')).toEqual({ url: 'http://h:1/p?q=a:b', 'quote":': '"x:"', 'back\\': 'c:\\', list: [{ k: ':' }, { k: 2 }] });
    expect(yamlLoads.count).toBe(0);
    expect(await readJsonOrYaml('a: 1\n', 'ws.yaml')).toEqual({ a: 1 });
    expect(yamlLoads.count).toBe(1);
  });
});
