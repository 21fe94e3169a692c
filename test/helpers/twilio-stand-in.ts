import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One create request the stand-in received: the form fields as Twilio's REST API takes them. */
export interface TwilioRequest {
  resource: 'Messages' | 'Calls';
  accountSid: string;
  /** `username` of the Basic auth: the account SID, or an API key SID (`SK…`). */
  username: string;
  /** Every value of each field: `StatusCallbackEvent` is sent once per event. */
  fields: Record<string, string[]>;
  userAgent?: string;
}

const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * A local stand-in for Twilio's REST API (TWILIO_API_URL points at it):
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` and `…/Calls.json`,
 * form-encoded, with Basic auth checked against the credentials it was given.
 * It answers 201 with the resource as the API reference shows it
 * (https://www.twilio.com/docs/messaging/api/message-resource,
 * https://www.twilio.com/docs/voice/api/call-resource), 401 with Twilio's
 * error shape for bad credentials (https://www.twilio.com/docs/errors/20003),
 * and 400 with error 21211 for a `To` in `invalidNumbers`
 * (https://www.twilio.com/docs/errors/21211).
 */
export class TwilioStandIn {
  readonly requests: TwilioRequest[] = [];
  /** Numbers answered with error 21211, as Twilio does for a number it cannot reach. */
  readonly invalidNumbers = new Set<string>();
  private readonly server: http.Server;

  constructor(private readonly credentials: { accountSid: string; username: string; password: string }) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const send = (status: number, json: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(json));
    };
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/(Messages|Calls)\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      send(404, {
        code: 20404,
        message: 'The requested resource was not found',
        more_info: 'https://www.twilio.com/docs/errors/20404',
        status: 404,
      });
      return;
    }
    const [, accountSid, resource] = match as unknown as [string, string, 'Messages' | 'Calls'];
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const [username, password] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(':');
    const authorised =
      scheme === 'Basic' &&
      username === this.credentials.username &&
      password === this.credentials.password &&
      accountSid === this.credentials.accountSid;
    if (!authorised || req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      send(401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
      return;
    }
    const fields: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(body)) (fields[name] ??= []).push(value);
    this.requests.push({
      resource,
      accountSid,
      username,
      fields,
      userAgent: req.headers['user-agent'],
    });
    const to = fields.To?.[0] ?? '';
    if (this.invalidNumbers.has(to)) {
      send(400, {
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      });
      return;
    }
    const now = rfc2822(new Date());
    const from = fields.From?.[0] ?? null;
    if (resource === 'Messages') {
      const messageSid = sid('SM');
      send(201, {
        sid: messageSid,
        account_sid: accountSid,
        messaging_service_sid: fields.MessagingServiceSid?.[0] ?? null,
        to,
        from,
        body: fields.Body?.[0] ?? '',
        status: fields.MessagingServiceSid ? 'accepted' : 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        num_media: '0',
        price: null,
        price_unit: 'USD',
        error_code: null,
        error_message: null,
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        date_sent: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}.json`,
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media.json` },
      });
      return;
    }
    const callSid = sid('CA');
    send(201, {
      sid: callSid,
      account_sid: accountSid,
      parent_call_sid: null,
      to,
      to_formatted: to,
      from,
      from_formatted: from,
      phone_number_sid: sid('PN'),
      status: 'queued',
      start_time: null,
      end_time: null,
      duration: null,
      price: null,
      price_unit: 'USD',
      direction: 'outbound-api',
      answered_by: null,
      api_version: '2010-04-01',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      date_created: now,
      date_updated: now,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json`,
      subresource_uris: {},
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** TWILIO_API_URL for this stand-in. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The requests for one resource, with each field's first value. */
  to(resource: TwilioRequest['resource']): Array<Record<string, string>> {
    return this.requests
      .filter((r) => r.resource === resource)
      .map((r) => Object.fromEntries(Object.entries(r.fields).map(([k, v]) => [k, v[0]!])));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * X-Twilio-Signature as Twilio computes it for a webhook it sends
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security): the full
 * URL Twilio was given (query string included), then each POST field's name
 * and value, sorted by name, with no separators; HMAC-SHA1 with the auth
 * token, base64. Written from the documentation, not from twilio-node, so a
 * test signing with it checks Fireline against the documented algorithm.
 */
export function twilioSignature(
  url: string,
  params: Record<string, string | string[]>,
  authToken: string,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => {
      const value = params[name]!;
      const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
      return text + values.map((v) => name + v).join('');
    }, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
