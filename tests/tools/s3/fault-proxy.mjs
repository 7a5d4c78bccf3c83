// A fault-injecting HTTP proxy for the S3 tests: forwards every request to an S3 server (s3rver)
// unchanged, except every Nth, which it fails in turn in one of three ways:
//   503     answer 503 SlowDown without forwarding (throttling),
//   drop    close the connection without forwarding (a network failure before the server),
//   lost    forward, let the server act, then close the connection without answering (the
//           reply is lost: the client cannot know the request took effect).
//
//   node fault-proxy.mjs --listen PORT --target http://127.0.0.1:PORT [--every N]
//                        [--faults 503,drop,lost] [--stats FILE] [--decode-aws-chunked]
//
// --decode-aws-chunked: s3rver stores a body sent with AWS's chunked signing
// (Content-Encoding: aws-chunked, as Java's AWS SDK v2 sends over plain HTTP) as it came, chunk
// headers included; the proxy forwards such a body decoded instead. The request's signature then
// no longer matches: run s3rver with --allow-mismatched-signatures. --every 0 injects no fault.
//
// It prints "fault-proxy: listening on 127.0.0.1:PORT" once ready, and keeps the counts of
// requests and injected faults (JSON) in --stats FILE after each fault.
import fs from 'node:fs'
import http from 'node:http'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : fallback
}
const listenPort = Number(option('--listen', '0'))
const target = new URL(option('--target', 'http://127.0.0.1:4568'))
const every = Number(option('--every', '5'))
const faults = option('--faults', '503,drop,lost').split(',')
const statsFile = option('--stats', '')
const decodeAwsChunked = args.includes('--decode-aws-chunked')

const stats = { requests: 0, faults: 0, byKind: {} }
let faultIndex = 0

function record(kind) {
  stats.faults++
  stats.byKind[kind] = (stats.byKind[kind] || 0) + 1
  if (statsFile) fs.writeFileSync(statsFile, JSON.stringify(stats))
}

/// The payload of an aws-chunked body: "<hex size>;chunk-signature=...\r\n<bytes>\r\n" per
/// chunk, up to the chunk of size 0 (trailers after it are dropped).
function decodeChunks(body) {
  const parts = []
  let at = 0
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at)
    if (lineEnd < 0) throw new Error('aws-chunked body: chunk header without CRLF')
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0], 16)
    if (!Number.isFinite(size)) throw new Error('aws-chunked body: bad chunk size')
    if (size === 0) break
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

function isAwsChunked(headers) {
  return (headers['content-encoding'] || '').split(',').some((e) => e.trim() === 'aws-chunked')
}

function forward(req, res, onUpstreamResponse) {
  const options = {
    host: target.hostname,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: { ...req.headers },
  }
  if (decodeAwsChunked && isAwsChunked(req.headers)) {
    const pieces = []
    req.on('data', (piece) => pieces.push(piece))
    req.on('end', () => {
      let payload
      try {
        payload = decodeChunks(Buffer.concat(pieces))
      } catch (err) {
        res.writeHead(400)
        res.end(String(err))
        return
      }
      const encodings = options.headers['content-encoding'].split(',').map((e) => e.trim())
        .filter((e) => e !== 'aws-chunked')
      if (encodings.length > 0) options.headers['content-encoding'] = encodings.join(',')
      else delete options.headers['content-encoding']
      delete options.headers['x-amz-decoded-content-length']
      delete options.headers['transfer-encoding']
      delete options.headers.expect  // the body is here already
      options.headers['content-length'] = String(payload.length)
      const upstream = http.request(options, onUpstreamResponse)
      upstream.on('error', (err) => fail(res, err))
      upstream.end(payload)
    })
    return
  }
  const upstream = http.request(options, onUpstreamResponse)
  upstream.on('error', (err) => fail(res, err))
  req.pipe(upstream)
}

function fail(res, err) {
  console.error(`fault-proxy: ${err}`)
  if (!res.headersSent) {
    res.writeHead(502)
    res.end(String(err))
  } else {
    res.destroy()
  }
}

const server = http.createServer((req, res) => {
  stats.requests++
  const injected = every > 0 && stats.requests % every === 0 ? faults[faultIndex++ % faults.length] : null
  if (injected === '503') {
    record('503')
    req.resume()
    req.on('end', () => {
      res.writeHead(503, { 'Content-Type': 'application/xml' })
      res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>' +
        '<Message>Please reduce your request rate.</Message></Error>')
    })
    return
  }
  if (injected === 'drop') {
    record('drop')
    req.socket.destroy()
    return
  }
  forward(req, res, (upstreamRes) => {
    if (injected === 'lost') {
      // The server has acted on the request once its reply starts; drop that reply.
      upstreamRes.resume()
      upstreamRes.on('end', () => {
        record('lost')
        req.socket.destroy()
      })
      return
    }
    res.writeHead(upstreamRes.statusCode, upstreamRes.headers)
    upstreamRes.pipe(res)
  })
})
server.keepAliveTimeout = 30000
server.listen(listenPort, '127.0.0.1', () => {
  console.log(`fault-proxy: listening on 127.0.0.1:${server.address().port}`)
})
process.on('SIGTERM', () => process.exit(0))
