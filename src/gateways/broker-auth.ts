import type { AuthenticateError, Client, Subscription } from 'aedes';
import type { ApiKey } from '../auth/api-key.js';
import type { AuthFailures } from '../auth/auth-failures.js';
import type { DeviceCredential } from '../auth/device-credentials.js';
import type { DeviceTokensService } from '../auth/device-tokens.service.js';

// MQTT CONNACK return codes
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * Token mode on the embedded broker: username the device id, password its token. A refused
 * CONNECT closes the connection; subscriptions are refused (devices only publish).
 */
export class BrokerAuth {
  private readonly credentials = new WeakMap<Client, DeviceCredential>();
  /** Remote address by connection, noted when the socket is accepted. */
  readonly addresses = new WeakMap<object, string>();

  constructor(
    private readonly apiKey: ApiKey,
    private readonly tokens: DeviceTokensService,
    private readonly failures: AuthFailures,
  ) {}

  get enabled(): boolean {
    return !this.apiKey.open;
  }

  credentialOf(client: Client | null): DeviceCredential | undefined {
    return client ? this.credentials.get(client) : undefined;
  }

  authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    if (!this.enabled) {
      done(null, true);
      return;
    }
    const address = this.addresses.get(client.conn) ?? 'unknown';
    const retryAfter = this.failures.retryAfter(address);
    if (retryAfter > 0) {
      done(refusal(`too many failed attempts; retry in ${retryAfter} s`, NOT_AUTHORIZED), null);
      return;
    }
    const token = password?.toString('utf8') ?? '';
    this.tokens.verify(token).then(
      (device) => {
        if (device && device.deviceId === username) {
          this.credentials.set(client, device);
          done(null, true);
          return;
        }
        const who = String(username ?? '').slice(0, 128);
        this.failures.record(
          'mqtt',
          address,
          device ? `token of another device used as ${who}` : `bad token for ${who}`,
          token !== '',
        );
        done(refusal('unauthorized', BAD_USERNAME_OR_PASSWORD), null);
      },
      () => done(refusal('credentials cannot be checked now', 3), null),
    );
  }

  authorizeSubscribe(
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void {
    done(null, this.enabled ? null : subscription);
  }
}
