// Kyma's Application Gateway addressing (standalone mode): `/{application}/{service}/{target path...}` reaches
// the service's targetUrl, with the rest of the path appended to the target URL's path.
import { EMPTY_REQUEST_PARAMETERS, mergeQuery, type RequestParameters } from './request-parameters';

import { kymaServiceSegment } from '../config/kyma-services';

export { kymaServiceSegment };

export interface KymaGatewayPath {
  application: string;
  service: string;
  /** The path after the service segment, with its leading '/', or '' when the path ends at the service. */
  rest: string;
}

/** Splits a gateway request path; `undefined` when it does not name both an application and a service. */
export function parseKymaGatewayPath(path: string): KymaGatewayPath | undefined {
  const match = /^\/([^/]+)\/([^/]+)(\/.*)?$/s.exec(path);
  if (!match) return undefined;
  return { application: match[1]!, service: match[2]!, rest: match[3] ?? '' };
}

/** The gateway path prefix of one service: what a router matches before `rest`. */
export function kymaGatewayPrefix(application: string, serviceDisplayName: string): string {
  return `/${application}/${kymaServiceSegment(serviceDisplayName)}`;
}

/** The target URL's path with `rest` appended, without doubling the '/' between them. */
export function kymaTargetPath(targetPath: string, rest: string): string {
  if (rest === '') return targetPath === '' ? '/' : targetPath;
  return targetPath.replace(/\/$/, '') + rest;
}

/** Origin-relative path and query for the backend: target query first, then the secret's parameters, then the caller's. */
export function kymaUpstreamTarget(targetUrl: string | URL, rest: string, callerQuery: string, parameters: RequestParameters = EMPTY_REQUEST_PARAMETERS): string {
  const url = typeof targetUrl === 'string' ? new URL(targetUrl) : targetUrl;
  return kymaTargetPath(url.pathname, rest) + mergeQuery(url.search, parameters.queryParameters, callerQuery);
}
