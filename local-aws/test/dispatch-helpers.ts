// What the dispatcher tests share, without HTTP or Docker: the headers of a signed request as the SDK sends
// them, and a registry that holds no image.
import type { IncomingHttpHeaders } from 'node:http'
import type { Registry } from '../src/registry.js'

/** SigV4's Authorization (the local AWS reads the key and the scope, not the signature) and X-Amz-Target. */
export function signedHeaders(
  service: string,
  options: { target?: string; key?: string } = {}
): IncomingHttpHeaders {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${options.key ?? 'AKIDLOCAL'}/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=${'a'.repeat(64)}`,
    ...(options.target ? { 'x-amz-target': options.target } : {})
  }
}

/** A registry that is never pushed to. */
export function emptyRegistry(): Registry {
  return {
    host: '127.0.0.1:5999',
    password: 'pw',
    dockerConfigDir: '/nonexistent',
    images: () => [],
    deleteRepository: async () => undefined,
    stop: async () => undefined
  }
}
