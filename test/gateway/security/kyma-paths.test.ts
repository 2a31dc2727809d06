import { describe, expect, it } from 'vitest';
import { kymaGatewayPrefix, kymaServiceSegment, kymaTargetPath, kymaUpstreamTarget, parseKymaGatewayPath } from '../../../gateway/security/kyma-paths';
import { parseRequestParameters } from '../../../gateway/security/request-parameters';

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

  it('makes the gateway prefix', () => {
    expect(kymaGatewayPrefix('commerce', 'Orders API')).toBe('/commerce/orders-api');
  });
});

describe('parseKymaGatewayPath', () => {
  it('splits application, service and the rest', () => {
    expect(parseKymaGatewayPath('/commerce/orders-api/v1/orders/42')).toEqual({ application: 'commerce', service: 'orders-api', rest: '/v1/orders/42' });
    expect(parseKymaGatewayPath('/commerce/orders-api')).toEqual({ application: 'commerce', service: 'orders-api', rest: '' });
    expect(parseKymaGatewayPath('/commerce/orders-api/')).toEqual({ application: 'commerce', service: 'orders-api', rest: '/' });
  });

  it('refuses paths without both segments', () => {
    for (const path of ['/', '/commerce', '/commerce/', '//orders', 'commerce/orders']) expect(parseKymaGatewayPath(path)).toBeUndefined();
  });
});

describe('target URL mapping', () => {
  it('joins the target path and the rest without doubling slashes', () => {
    expect(kymaTargetPath('/api/v1', '/orders')).toBe('/api/v1/orders');
    expect(kymaTargetPath('/api/v1/', '/orders')).toBe('/api/v1/orders');
    expect(kymaTargetPath('/', '/orders')).toBe('/orders');
    expect(kymaTargetPath('/api/v1', '')).toBe('/api/v1');
    expect(kymaTargetPath('/api/v1/', '')).toBe('/api/v1/');
    expect(kymaTargetPath('/api/v1', '/')).toBe('/api/v1/');
    expect(kymaTargetPath('', '')).toBe('/');
  });

  it('puts the target query first, then the caller’s', () => {
    expect(kymaUpstreamTarget('https://erp.example.com/sap/opu/odata/API?sap-client=100', '/Orders', '?$top=5')).toBe('/sap/opu/odata/API/Orders?sap-client=100&$top=5');
    expect(kymaUpstreamTarget('https://erp.example.com', '', '')).toBe('/');
  });

  it('adds request parameters between them unless the caller sends the same name', () => {
    const parameters = parseRequestParameters({ queryParameters: '{"limit":["50"],"lang":["en"]}' });
    expect(kymaUpstreamTarget(new URL('https://erp.example.com/api?v=2'), '/items', '?lang=de', parameters)).toBe('/api/items?v=2&limit=50&lang=de');
  });
});
