import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_NAME_PATTERN, findPlaceholders, replacePlaceholders } from '../../../gateway/config/placeholders';
import { fillPlaceholders } from '../../../main/services/import/template-variables';

describe('import placeholders', () => {
  it('finds {{Name}} and {NAME} once each, in order', () => {
    expect(findPlaceholders('{{ ServiceName }} {HOST} {{ServiceName}} {"a": 1} {lower} {_X}')).toEqual(['ServiceName', 'HOST']);
  });

  it('replaces each with the value for its name', () => {
    expect(replacePlaceholders('{{a}}-{B}-{{ a }}', (name) => name.toUpperCase() + '!')).toBe('A!-B!-A!');
  });

  it('asks the user (renderer) for exactly the names main fills in', () => {
    const text = 'host: {{Host}}, ns: {NS}, odd: {_X} {{Y}';
    const names = findPlaceholders(text);
    expect(names).toEqual(['Host', 'NS', 'Y']);
    for (const name of names) expect(PLACEHOLDER_NAME_PATTERN.test(name)).toBe(true);
    const filled = fillPlaceholders(text, Object.fromEntries(names.map((n) => [n, `<${n}>`])), 'pasted document');
    expect(filled).toBe('host: <Host>, ns: <NS>, odd: {_X} {<Y>');
  });
});
