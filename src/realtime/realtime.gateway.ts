import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ApiKey } from '../auth/api-key.js';
import { AuthFailures } from '../auth/auth-failures.js';
import { clientAddress } from '../auth/client-address.js';
import { StreamClients } from '../auth/stream-clients.js';
import { isDeviceId } from '../common/text.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MonitorService } from '../metrics/monitor.service.js';
import { LOCAL_EVENTS, type LiveMessage } from '../metrics/monitor.types.js';
import { PrometheusService } from '../metrics/prometheus.service.js';
import type { StoredReading } from '../readings/reading.js';
import { BoundedSessionAdapter } from './bounded-session-adapter.js';
import {
  type Ack,
  ALL_DEVICES_ROOM,
  type ClientEvents,
  deviceRoom,
  MAX_SUBSCRIPTIONS,
  type ServerEvents,
} from './realtime-events.js';

type IoServer = Server<ClientEvents, ServerEvents>;
type IoSocket = Socket<ClientEvents, ServerEvents>;

/** The one Socket.IO gateway: pushes every committed reading, per-device rooms for `subscribe`. */
@WebSocketGateway({ maxHttpBufferSize: 16 * 1024 })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeGateway.name);
  private unsubscribe?: () => void;

  @WebSocketServer()
  private readonly server: IoServer;

  constructor(
    private readonly monitor: MonitorService,
    private readonly apiKey: ApiKey,
    private readonly failures: AuthFailures,
    private readonly streamClients: StreamClients,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    prometheus: PrometheusService,
  ) {
    prometheus.reportClients('socket.io', () => this.server?.engine?.clientsCount ?? 0);
  }

  afterInit(server: IoServer): void {
    server.use((socket, next) => next(this.admit(socket)));
    this.unsubscribe = this.monitor.subscribeLocal((message) => this.push(message));
  }

  /**
   * The handshake: in token mode `auth: {apiKey}` must match; from any one address at most
   * MAX_STREAM_CLIENTS_PER_IP live connections. The client sees the refusal as `connect_error`.
   */
  private admit(socket: IoSocket): Error | undefined {
    const address = clientAddress(socket.request, this.config.trustProxy);
    if (!this.apiKey.open) {
      const retryAfter = this.failures.retryAfter(address);
      if (retryAfter > 0) {
        return new Error(`too many failed attempts; retry in ${retryAfter} s`);
      }
      const given: unknown = (socket.handshake.auth as { apiKey?: unknown } | undefined)?.apiKey;
      if (!this.apiKey.matches(given)) {
        const guessed = given !== undefined && given !== '';
        this.failures.record(
          'socket.io',
          address,
          guessed ? 'wrong API key' : 'no API key',
          guessed,
        );
        return new Error('unauthorized');
      }
    }
    const release = this.streamClients.admit(address);
    if (!release) {
      return new Error(`over ${this.streamClients.limit} live connections from this address`);
    }
    socket.once('disconnect', release);
    return undefined;
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  handleConnection(socket: IoSocket): void {
    // a recovered connection gets its rooms (its subscriptions) back as they were
    if (!socket.recovered) {
      void socket.join(ALL_DEVICES_ROOM);
    }
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Ack {
    const deviceId = (body as { deviceId?: unknown } | null)?.deviceId;
    if (!isDeviceId(deviceId)) {
      return { ok: false, error: 'deviceId must be a string of 1–128 characters' };
    }
    const subscribed = [...socket.rooms].filter((room) => room.startsWith('device:')).length;
    if (subscribed >= MAX_SUBSCRIPTIONS) {
      return { ok: false, error: `at most ${MAX_SUBSCRIPTIONS} devices per connection` };
    }
    void socket.leave(ALL_DEVICES_ROOM);
    void socket.join(deviceRoom(deviceId));
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe')
  unsubscribeDevice(@ConnectedSocket() socket: IoSocket, @MessageBody() body: unknown): Ack {
    const deviceId = (body as { deviceId?: unknown } | null)?.deviceId;
    const rooms = [...socket.rooms].filter((room) => room.startsWith('device:'));
    for (const room of rooms) {
      if (deviceId === undefined || room === deviceRoom(String(deviceId))) {
        void socket.leave(room);
      }
    }
    if (![...socket.rooms].some((room) => room.startsWith('device:'))) {
      void socket.join(ALL_DEVICES_ROOM);
    }
    return { ok: true };
  }

  /**
   * One broadcast per message: Socket.IO encodes the packet once for every receiving client,
   * and with Redis its adapter carries it to the clients of every instance. `status` describes
   * this instance and goes to its own clients only.
   */
  private push({ event, data }: LiveMessage): void {
    // Without Redis, nobody connected or away: every committed reading would still build a
    // broadcast (rooms, packet) for the adapter to drop, a sixth of batch ingest's garbage.
    const adapter = this.server.sockets.adapter;
    if (adapter instanceof BoundedSessionAdapter && !adapter.hasAudience()) {
      return;
    }
    if (event === 'update_data') {
      const reading = data as StoredReading;
      this.server.to([ALL_DEVICES_ROOM, deviceRoom(reading.id)]).emit('update_data', reading);
    } else if (LOCAL_EVENTS.has(event)) {
      this.server.local.emit(event as keyof ServerEvents, data as never);
    } else {
      this.server.emit(event as keyof ServerEvents, data as never);
    }
  }
}
