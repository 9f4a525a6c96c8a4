import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { DeviceAuthGuard } from './device-auth.guard.js';

/** Who may call a route in token mode. Routes without a mark need the API key in a header. */
export type Access = 'public' | 'device' | 'api-key-or-query';
export const ACCESS = 'sitewatch:access';

/** Open in every mode: health probes, the pages. */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);

/** Device ingest: a device token as `Authorization: Bearer` in token mode. */
export const DeviceAuth = () =>
  applyDecorators(
    SetMetadata(ACCESS, 'device' satisfies Access),
    UseGuards(DeviceAuthGuard),
    ApiBearerAuth('device-token'),
  );

/** The API key, also taken as `?apiKey=`: EventSource and a plain download link set no headers. */
export const ApiKeyInQuery = () =>
  applyDecorators(SetMetadata(ACCESS, 'api-key-or-query' satisfies Access), ApiSecurity('api-key'));
