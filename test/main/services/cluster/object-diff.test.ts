// The preview's diff names fields, never JSON blobs: nested maps and list items by path, keys that are not
// plain names quoted, and Secret data (dotted keys included) without values.
import { describe, expect, it } from 'vitest';
import { diffObjects, formatChanges } from '../../../../main/services/cluster/index';

describe('diffObjects', () => {
  it('lists a new Application field by field, list items included, with no value cut short', () => {
    const services = [{ id: 'a', name: 'erp', entries: [{ type: 'API', targetUrl: `https://erp.example.com/${'x'.repeat(300)}`, credentials: { type: 'Basic', secretName: 'erp-basic' } }] }];
    const changes = diffObjects(undefined, { apiVersion: 'v1alpha1', kind: 'Application', metadata: { name: 'commerce', labels: { 'app.kubernetes.io/managed-by': 'gatehouse' } }, spec: { services } });
    expect(formatChanges(changes)).toEqual([
      '+ metadata.labels["app.kubernetes.io/managed-by"]: "gatehouse"',
      '+ spec.services[0].id: "a"',
      '+ spec.services[0].name: "erp"',
      '+ spec.services[0].entries[0].type: "API"',
      `+ spec.services[0].entries[0].targetUrl: "https://erp.example.com/${'x'.repeat(300)}"`,
      '+ spec.services[0].entries[0].credentials.type: "Basic"',
      '+ spec.services[0].entries[0].credentials.secretName: "erp-basic"',
    ]);
  });

  it('reports a list that grows by its new items, and one that shrinks by the ones gone', () => {
    const live = { kind: 'ApisixRoute', metadata: { name: 'r' }, spec: { http: [{ name: 'a', match: { methods: ['GET'] } }] } };
    const next = { kind: 'ApisixRoute', metadata: { name: 'r' }, spec: { http: [{ name: 'a', match: { methods: ['GET', 'POST'] } }, { name: 'b' }] } };
    expect(formatChanges(diffObjects(live, next))).toEqual(['+ spec.http[0].match.methods[1]: "POST"', '+ spec.http[1].name: "b"']);
    expect(formatChanges(diffObjects(next, live))).toEqual(['- spec.http[0].match.methods[1]: "POST"', '- spec.http[1].name: "b"']);
  });

  it('hides Secret values, dotted keys too', () => {
    const live = { kind: 'Secret', metadata: { name: 's' }, data: { 'tls.crt': 'b2xk', password: 'b2xk' } };
    const next = { kind: 'Secret', metadata: { name: 's' }, data: { 'tls.crt': 'bmV3', password: 'bmV3', token: 'dG9r' } };
    const changes = diffObjects(live, next);
    expect(changes).toEqual([
      { path: 'data["tls.crt"]', change: 'changed', hidden: true },
      { path: 'data.password', change: 'changed', hidden: true },
      { path: 'data.token', change: 'added', hidden: true },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/b2xk|bmV3|dG9r/);
  });
});
