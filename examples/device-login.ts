/**
 * A device without a browser signing in with the device authorization grant (RFC 8628),
 * using nothing but fetch. Usage (against `npm start`):
 *
 *   npx tsx examples/device-login.ts [issuer] [client_id] [scope]
 *
 * The arguments, or else the environment variables TESSERA_ISSUER, CLIENT_ID and SCOPE, default
 * to http://localhost:3000, the demo public client `mobile_application`, and
 * `openid profile offline_access`. A confidential client also sets CLIENT_SECRET (sent as
 * client_secret_post). It prints the code and the URL, polls the token endpoint honouring
 * `interval` and `slow_down`, and prints the tokens once you allow the device.
 */
const issuer = (process.argv[2] ?? process.env.TESSERA_ISSUER ?? 'http://localhost:3000').replace(/\/$/, '');
const clientId = process.argv[3] ?? process.env.CLIENT_ID ?? 'mobile_application';
const scope = process.argv[4] ?? process.env.SCOPE ?? 'openid profile offline_access';
/** How the client identifies itself in each request: its id, and its secret when it has one. */
const client: Record<string, string> = process.env.CLIENT_SECRET
  ? { client_id: clientId, client_secret: process.env.CLIENT_SECRET }
  : { client_id: clientId };
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

/** A JSON answer; on failure, the OAuth error members (RFC 6749 §5.2). */
type Answer = Record<string, unknown> & { error?: string; error_description?: string };

async function post(url: string, params: Record<string, string>): Promise<{ status: number; body: Answer }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function main(): Promise<number> {
  // RFC 8628 §4: the endpoint comes from the server's metadata.
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  const started = await post(metadata.device_authorization_endpoint, { ...client, scope });
  if (started.status !== 200) {
    console.error(`device authorization failed: ${started.body.error} (${started.body.error_description})`);
    return 1;
  }
  const flow = started.body as unknown as DeviceAuthorization;

  // §3.3: show the person where to go and what to type.
  console.log(`\nOn your phone or computer, open:\n\n    ${flow.verification_uri}\n\nand enter the code:\n\n    ${flow.user_code}\n`);
  if (flow.verification_uri_complete) console.log(`(or open ${flow.verification_uri_complete})\n`);

  let interval = flow.interval ?? 5; // §3.2: 5 seconds when the server says nothing
  const deadline = Date.now() + flow.expires_in * 1000;
  while (Date.now() < deadline) {
    await sleep(interval); // §3.5: wait at least `interval` seconds between requests
    const { status, body } = await post(metadata.token_endpoint, {
      grant_type: DEVICE_CODE_GRANT,
      device_code: flow.device_code,
      ...client,
    });
    if (status === 200) {
      console.log('Signed in. Token response:\n');
      console.log(JSON.stringify(body, null, 2));
      return 0;
    }
    switch (body.error) {
      case 'authorization_pending':
        process.stdout.write('.');
        continue;
      case 'slow_down':
        interval += 5; // §3.5: this and all later requests wait 5 seconds longer
        process.stdout.write(`(slowing down to every ${interval} s)`);
        continue;
      case 'access_denied':
        console.log('\nAccess was denied.');
        return 2;
      case 'expired_token':
        console.log('\nThe code expired before it was used. Run again for a new one.');
        return 3;
      case undefined:
      default:
        console.error(`\nToken request failed: ${body.error} (${body.error_description})`);
        return 1;
    }
  }
  console.log('\nThe code expired before it was used. Run again for a new one.');
  return 3;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
