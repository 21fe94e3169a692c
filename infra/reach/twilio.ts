import type TwilioPackage from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { unsetNames } from './settings';

type Twilio = typeof TwilioPackage;
let loaded: Twilio | undefined;

/**
 * The twilio package, loaded when a process first texts or calls: loading it
 * takes about a second of CPU, which every API and worker process would
 * otherwise pay at start, Twilio configured or not.
 */
async function twilioPackage(): Promise<Twilio> {
  return (loaded ??= (await import('twilio')).default);
}

/**
 * Twilio (or a Twilio-compatible provider) from the environment: the account,
 * its credentials (the auth token, or an API key and secret), the sender
 * (a number, or a messaging service `MG…` for SMS) and, optionally, the base
 * URL of the REST API (TWILIO_API_URL) instead of https://api.twilio.com.
 */
export interface TwilioSettings {
  accountSid: string;
  /** `username`/`password` of the REST API's Basic auth: `AC…`/token or `SK…`/secret. */
  username: string;
  password: string;
  from: string;
  apiUrl?: string;
}

/** The variables Twilio needs that `secrets` lacks, in the order they are needed. */
export function missingTwilioSettings(secrets: Record<string, string | undefined>): string[] {
  const credentials = secrets.TWILIO_API_KEY
    ? unsetNames(secrets, ['TWILIO_API_SECRET'])
    : secrets.TWILIO_API_SECRET
      ? ['TWILIO_API_KEY']
      : unsetNames(secrets, ['TWILIO_AUTH_TOKEN']);
  return [
    ...unsetNames(secrets, ['TWILIO_ACCOUNT_SID']),
    ...credentials,
    ...unsetNames(secrets, ['TWILIO_FROM']),
  ];
}

/** Whether any Twilio variable is set: then all it needs must be (checked at worker start). */
export function twilioConfigured(secrets: Record<string, string | undefined>): boolean {
  return [
    'TWILIO_ACCOUNT_SID',
    'TWILIO_AUTH_TOKEN',
    'TWILIO_API_KEY',
    'TWILIO_API_SECRET',
    'TWILIO_FROM',
  ].some((name) => Boolean(secrets[name]));
}

/** The settings, or undefined when one is missing. */
export function twilioSettings(secrets: Record<string, string | undefined>): TwilioSettings | undefined {
  if (missingTwilioSettings(secrets).length > 0) return undefined;
  const accountSid = secrets.TWILIO_ACCOUNT_SID!;
  return {
    accountSid,
    username: secrets.TWILIO_API_KEY ?? accountSid,
    password: secrets.TWILIO_API_KEY ? secrets.TWILIO_API_SECRET! : secrets.TWILIO_AUTH_TOKEN!,
    from: secrets.TWILIO_FROM!,
    apiUrl: secrets.TWILIO_API_URL || undefined,
  };
}

/**
 * Sends the official client's requests to another base URL. The client has no
 * base-URL option; its documented `httpClient` option takes a RequestClient,
 * and this one rewrites each request's origin after the client has built it
 * (so TWILIO_EDGE/TWILIO_REGION cannot mangle the host), keeping a path prefix.
 */
function baseUrlRequestClient(
  twilio: Twilio,
  base: URL,
  options: ConstructorParameters<Twilio['RequestClient']>[0],
): RequestClient {
  class BaseUrlRequestClient extends twilio.RequestClient {
    override request<T>(request: RequestClient.RequestOptions<T>) {
      const original = new URL(request.uri);
      const prefix = base.pathname.replace(/\/$/, '');
      return super.request<T>({
        ...request,
        uri: `${base.origin}${prefix}${original.pathname}${original.search}`,
      });
    }
  }
  return new BaseUrlRequestClient(options);
}

/** The official client for these settings; a request waits at most `timeoutMs`, 429s are retried. */
export async function twilioClient(
  settings: TwilioSettings,
  timeoutMs: number,
): Promise<TwilioPackage.Twilio> {
  const twilio = await twilioPackage();
  const options: TwilioPackage.ClientOpts = {
    accountSid: settings.accountSid,
    timeout: timeoutMs,
    autoRetry: true,
    maxRetries: 3,
  };
  if (settings.apiUrl) {
    options.httpClient = baseUrlRequestClient(twilio, new URL(settings.apiUrl), {
      timeout: timeoutMs,
      autoRetry: true,
    });
  }
  return twilio(settings.username, settings.password, options);
}

/** Whether an error is Twilio refusing the request (4xx other than 429): sending it again cannot succeed. */
export function isTwilioRefusal(err: unknown): err is { status: number; code?: number; message: string } {
  // Only a loaded client can have thrown one.
  return (
    loaded !== undefined &&
    err instanceof loaded.RestException &&
    typeof err.status === 'number' &&
    err.status >= 400 &&
    err.status < 500 &&
    err.status !== 429
  );
}

/** TwiML for a call, built with the official package's VoiceResponse. */
export async function voiceResponse(): Promise<InstanceType<Twilio['twiml']['VoiceResponse']>> {
  return new (await twilioPackage()).twiml.VoiceResponse();
}

/** TwiML for an answer to an inbound SMS, built with the official package's MessagingResponse. */
export async function messagingResponse(): Promise<InstanceType<Twilio['twiml']['MessagingResponse']>> {
  return new (await twilioPackage()).twiml.MessagingResponse();
}

/**
 * Whether X-Twilio-Signature is Twilio's for this URL and these POST fields
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security): the
 * package's validateRequest, with the account's auth token. Twilio signs
 * webhooks with the auth token even when the REST API is used with an API
 * key, so receiving needs TWILIO_AUTH_TOKEN.
 */
export async function validTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  params: Record<string, string>,
): Promise<boolean> {
  return (await twilioPackage()).validateRequest(authToken, signature, url, params);
}
