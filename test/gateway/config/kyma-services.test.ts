import { describe, expect, it } from 'vitest';
import { kymaApplicationServices, kymaServiceName, kymaServiceSegment } from '../../../gateway/config/kyma-services';
import { kymaServiceName as pushedServiceName } from '../../../main/services/cluster/objects/kyma-application-builder';
import { kymaServiceName as formServiceName } from '../../../renderer/src/model/kyma-draft';
import { KymaApplication } from '../../../gateway/config/kyma-application-schema';

describe('kymaServiceSegment', () => {
  // Kyma's own cases (central-application-gateway pkg/normalization/normalization_test.go, NormalizeName).
  it.each([
    ['DisplayName', 'displayname'],
    ['display_!@#$%^&*()name', 'display-name'],
    ['-----displayname', 'displayname'],
    ['VeryVeryVeryVeryVeryVeryVEryVeryVeryVeryVeryVeryVeryVeryLongDescription', 'veryveryveryveryveryveryveryveryveryveryveryveryveryveryl'],
  ])('as Kyma: %s → %s', (displayName, segment) => {
    expect(kymaServiceSegment(displayName)).toBe(segment);
  });

  it.each([
    ['my-basic-auth-service', 'my-basic-auth-service'],
    ['Orders API', 'orders-api'],
    ['Orders  API (v2)!', 'orders-api-v2'],
    ['SAP S/4HANA Cloud (v2)', 'sap-s-4hana-cloud-v2'],
    ['Café Légacy', 'caf-l-gacy'],
    ['Über_Service.1', 'ber-service-1'],
    ['emoji 🚀', 'emoji'],
    // Only one leading and one trailing "-" go, as in Kyma (TrimPrefix / TrimSuffix, not Trim).
    ['-Orders-', 'orders'],
    // The cut comes after the trailing "-" is dropped, so it can leave one.
    [`${'a'.repeat(56)} b`, `${'a'.repeat(56)}-`],
  ])('%s → %s', (displayName, segment) => {
    expect(kymaServiceSegment(displayName)).toBe(segment);
  });

  it('refuses a display name without a letter or digit, and two display names served at one segment, naming the field', () => {
    const entries = [{ type: 'API', targetUrl: 'https://erp.test' }];
    const result = KymaApplication.safeParse({ name: 'commerce', services: [
      { id: '1', name: 'orders', displayName: 'Orders API', entries },
      { id: '2', name: 'orders-2', displayName: 'orders -- api', entries },
      { id: '3', name: 'stars', displayName: '***', entries },
    ] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['services.1.displayName', 'served at the same path segment "orders-api" as display name "Orders API"'],
      ['services.2.displayName', 'needs a letter or digit (A-Z, a-z, 0-9): the service is served at the path segment made of them'],
    ]);
  });

  it('makes the gateway prefix of a Kyma service', () => {
    const app = KymaApplication.parse({ name: 'commerce', services: [{ id: '1', name: 'orders', displayName: 'Orders API', entries: [{ type: 'API', targetUrl: 'https://erp.test' }] }] });
    expect(kymaApplicationServices(app)[0]!.pathPrefix).toBe('/commerce/orders-api');
  });
});

describe('kymaServiceName', () => {
  it('makes a Kubernetes-style name of a display name, dropping accents', () => {
    expect(kymaServiceName('Café Orders — v2!')).toBe('cafe-orders-v2');
    expect(kymaServiceName('  Orders API (v2)!  ')).toBe('orders-api-v2');
    expect(kymaServiceName('x'.repeat(80))).toHaveLength(63);
    expect(kymaServiceName('***')).toBe('');
  });

  it('is the name the form proposes and the name a push uses (which falls back to "service")', () => {
    for (const displayName of ['Café Orders — v2!', 'Über Service', 'a'.repeat(70) + '-b']) {
      expect(formServiceName(displayName)).toBe(kymaServiceName(displayName));
      expect(pushedServiceName(displayName)).toBe(kymaServiceName(displayName));
    }
    expect(pushedServiceName('***')).toBe('service');
  });
});
