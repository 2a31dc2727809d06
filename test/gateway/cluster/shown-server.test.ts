import { describe, expect, it } from 'vitest';
import { serverPasswords, shownServer } from '../../../gateway/cluster/shown-server';

describe('a kubeconfig server address as shown', () => {
  it.each([
    ['https://ci:Pa55word@api.example.com:6443', 'https://ci:***@api.example.com:6443'],
    // Go's url.Parse ends the user-info at the authority's last @.
    ['https://ci:p@ss@api.example.com/prefix?x=1', 'https://ci:***@api.example.com/prefix?x=1'],
    ['https://:Pa55@api.example.com', 'https://:***@api.example.com'],
    ['https://ci@api.example.com', 'https://ci@api.example.com'],
    ['https://api.example.com:6443/path/a@b:c', 'https://api.example.com:6443/path/a@b:c'],
    ['https://[::1]:6443', 'https://[::1]:6443'],
    ['127.0.0.1:6443', '127.0.0.1:6443'],
  ])('%s as %s', (server, shown) => {
    expect(shownServer(server)).toBe(shown);
  });

  it('gives the password as written and percent-decoded, for messages to hide', () => {
    expect(serverPasswords('https://ci:Pa55%21word@api.example.com')).toEqual(['Pa55%21word', 'Pa55!word']);
    expect(serverPasswords('https://ci:%E0@api.example.com')).toEqual(['%E0']);
    expect(serverPasswords('https://ci:@api.example.com')).toEqual([]);
    expect(serverPasswords('https://api.example.com')).toEqual([]);
  });
});
