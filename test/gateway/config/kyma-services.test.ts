import { describe, expect, it } from 'vitest';
import { kymaApplicationServices, kymaServiceSegment } from '../../../gateway/config/kyma-services';
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
