import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Aedes } from 'aedes';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { ApiKey } from '../auth/api-key.js';
import { AuthFailures } from '../auth/auth-failures.js';
import { DeviceTokensService } from '../auth/device-tokens.service.js';
import { listenError } from '../common/listen-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { BrokerAuth } from './broker-auth.js';
import { GatewayIngestService } from './gateway-ingest.service.js';
import { MAX_PAYLOAD_BYTES } from './gateway-message.parser.js';
import { SizeGuardedConnection } from './mqtt-size-guard.js';

/** Room for the topic and headers on top of the largest payload. */
const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 1024;

/**
 * The embedded MQTT 3.1.1/5 broker (aedes) when MQTT_URL is unset, so gateways publish to
 * sitewatch with nothing else installed. Gateway messages are stored in `authorizePublish`,
 * before the broker answers PUBACK: a QoS 1 acknowledgement means committed, as a 201 does.
 */
@Injectable()
export class EmbeddedBroker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddedBroker.name);
  private broker?: Aedes;
  private server?: Server;
  private readonly auth: BrokerAuth;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingest: GatewayIngestService,
    private readonly monitor: MonitorService,
    apiKey: ApiKey,
    private readonly tokens: DeviceTokensService,
    failures: AuthFailures,
  ) {
    this.auth = new BrokerAuth(apiKey, tokens, failures);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.mqttUrl) {
      return;
    }
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) =>
        this.auth.authenticate(client, username, password, done),
      authorizeSubscribe: (_client, subscription, done) =>
        this.auth.authorizeSubscribe(subscription, done),
      authorizePublish: (client, packet, done) => {
        const device = this.auth.credentialOf(client);
        if (this.auth.enabled && !(device && this.tokens.isCurrent(device))) {
          // never authenticated, or its token was revoked since: the broker closes it
          done(new Error('unauthorized'));
          return;
        }
        this.ingest.handle(packet.topic, Buffer.from(packet.payload), device).then(
          () => done(null),
          (error: unknown) => done(error as Error),
        );
      },
    });
    broker.on('clientError', (client, error) =>
      this.logger.debug(`MQTT client ${client.id}: ${error.message}`),
    );
    this.broker = broker;
    this.server = createServer((socket) => {
      const connection = new SizeGuardedConnection(socket, MAX_PACKET_BYTES, (length) =>
        this.oversized(socket.remoteAddress, length),
      );
      this.auth.addresses.set(connection, socket.remoteAddress ?? 'unknown');
      broker.handle(connection);
    });
    const { mqttHost: host, mqttPort: port } = this.config;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (error) =>
        reject(
          listenError(
            error,
            'MQTT',
            host,
            port,
            'MQTT_PORT (or MQTT_HOST, or MQTT_URL for an external broker)',
          ),
        ),
      );
      this.server!.listen(port, host, () => resolve());
    });
    this.logger.log(`listening mqtt ${host}:${this.port}`);
    this.monitor.updateComponent('mqtt', 'online', `embedded broker on ${host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) {
      return;
    }
    await new Promise((resolve) => this.broker!.close(() => resolve(undefined)));
    await new Promise((resolve) => this.server!.close(resolve));
    this.monitor.updateComponent('mqtt', 'offline', 'stopped');
  }

  private oversized(remote: string | undefined, length: number): void {
    this.monitor.logEvent(
      'warning',
      `Closed MQTT client ${remote}: packet of ${length} bytes over the ${MAX_PACKET_BYTES}-byte limit`,
      { remote, length },
    );
  }
}
