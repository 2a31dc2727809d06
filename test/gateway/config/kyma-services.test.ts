import { describe, expect, it } from 'vitest';
import { kymaApplicationServices, kymaServiceName, kymaServiceSegment } from '../../../gateway/config/kyma-services';
import { kymaServiceName as pushedServiceName } from '../../../main/services/cluster/objects/kyma-application-builder';
import { kymaServiceName as formServiceName } from '../../../renderer/src/model/kyma-draft';
import { KymaApplication } from '../../../gateway/config/kyma-application-schema';

describe('kymaServiceSegment', () => {
  it.each([
    ['my-basic-auth-service', 'my-basic-auth-service'],
    ['Orders API', 'orders-api'],
    ['SAP S/4HANA Cloud (v2)', 'sap-s-4hana-cloud--v2-'],
    ['Über_Service.1', '-ber-service-1'],
    ['emoji 🚀', 'emoji--'],
  ])('%s → %s', (displayName, segment) => {
    expect(kymaServiceSegment(displayName)).toBe(segment);
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
