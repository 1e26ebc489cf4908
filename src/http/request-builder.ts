/**
 * The session's part in every request: its base URL, query parameters, default headers and credentials,
 * and how a request's URL, options and body become the first {@link Hop} (credentials from the URL or
 * `auth`, headers merged, the body encoded).
 * @module
 */
import { authorizationOf } from './credentials.js';
import {
  applyParams,
  encodeBody,
  type Hop,
  makeHop,
  mergeHeaders,
  normalizeHeaders,
  paramPairs,
  type RequestOptions,
  type Target,
  targetOf,
} from './request-options.js';
import { type ClientSessionOptions, DEFAULT_HEADERS, parseUrl } from './session-options.js';

/** @internal */
export class RequestBuilder {
  private readonly baseUrl: URL | undefined;
  /** Lower-case names, null prototype; shared by requests that add no headers. */
  private readonly headers: Record<string, string>;
  private readonly params: Array<[string, string]>;
  /** The `Authorization` value of the session's credentials. */
  private readonly authorization: string | undefined;
  /** The origin the session's credentials go to (undefined: every origin). */
  private readonly authOrigin: string | undefined;
  /** `headers` plus the session's `Authorization`. */
  private readonly authHeaders: Record<string, string>;
  /** See `targetFor`. */
  private lastInput: string | undefined = undefined;
  private lastTarget: Target | undefined = undefined;

  constructor(given: ClientSessionOptions, where: string) {
    let authorization: string | undefined;
    if (given.baseUrl !== undefined) {
      this.baseUrl = parseUrl(given.baseUrl, undefined, 'options.baseUrl', where);
      // Relative URLs would inherit userinfo from the base: it becomes the session's credentials instead.
      authorization = targetOf(this.baseUrl).authorization;
      this.authOrigin = this.baseUrl.origin;
    }
    if (given.auth !== undefined) {
      if (authorization !== undefined) {
        throw new TypeError(
          `${where}: pass credentials either in options.baseUrl or in options.auth, not both`,
        );
      }
      authorization = authorizationOf(given.auth, 'options.auth', where);
    }
    const extra = normalizeHeaders(given.headers, `${where} (options.headers)`, true);
    if (authorization !== undefined && typeof extra.authorization === 'string') {
      throw new TypeError(
        `${where}: pass either options.auth (or URL credentials) or an Authorization header, not both`,
      );
    }
    this.headers = mergeHeaders(Object.assign(Object.create(null), DEFAULT_HEADERS), extra);
    this.authorization = authorization;
    this.authHeaders =
      authorization === undefined ? this.headers : mergeHeaders(this.headers, { authorization });
    this.params = given.params === undefined ? [] : paramPairs(given.params, `${where} (options.params)`);
  }

  /** The first hop: URL, headers and body. */
  prepare(where: string, method: string, input: string | URL, options: RequestOptions | undefined): Hop {
    const requestParams =
      options?.params === undefined ? undefined : paramPairs(options.params, `${where} (options.params)`);
    const target = this.targetFor(input, requestParams, where);
    let authorization = target.authorization;
    if (options?.auth !== undefined) {
      const own = authorizationOf(options.auth, 'options.auth', where);
      if (authorization !== undefined) {
        throw new TypeError(`${where}: pass credentials either in the URL or in options.auth, not both`);
      }
      authorization = own;
    }
    const explicit = authorization !== undefined;
    const sessionAuth =
      !explicit &&
      this.authorization !== undefined &&
      (this.authOrigin === undefined || this.authOrigin === target.origin);
    const base = sessionAuth ? this.authHeaders : this.headers;
    if (options === undefined) {
      return makeHop(
        target,
        method,
        explicit ? mergeHeaders(base, { authorization: authorization as string }) : base,
        null,
        true,
      );
    }
    let headers = base;
    if (options.headers !== undefined) {
      const extra = normalizeHeaders(options.headers, `${where} (options.headers)`, true);
      if (explicit && typeof extra.authorization === 'string') {
        throw new TypeError(
          `${where}: pass either options.auth (or URL credentials) or an Authorization header, not both`,
        );
      }
      headers = mergeHeaders(headers, extra);
    }
    if (explicit) headers = mergeHeaders(headers, { authorization: authorization as string });
    const { body, contentType, replayable } = encodeBody(options, where);
    if (contentType !== undefined && headers['content-type'] === undefined) {
      headers = mergeHeaders(headers, { 'content-type': contentType });
    }
    return makeHop(target, method, headers, body, replayable);
  }

  /**
   * The parsed URL. The last string URL without parameters is remembered: a loop that requests
   * the same URL (polling, a benchmark) parses it once; any other URL costs one string comparison.
   */
  private targetFor(
    input: string | URL,
    requestParams: Array<[string, string]> | undefined,
    where: string,
  ): Target {
    const cacheable = typeof input === 'string' && requestParams === undefined && this.params.length === 0;
    if (cacheable && this.lastTarget !== undefined && this.lastInput === input) return this.lastTarget;
    const url = parseUrl(input, this.baseUrl, 'url', where);
    applyParams(url, this.params, requestParams);
    const target = targetOf(url);
    if (cacheable) {
      this.lastInput = input as string;
      this.lastTarget = target;
    }
    return target;
  }
}
