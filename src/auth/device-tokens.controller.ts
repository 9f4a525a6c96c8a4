import {
  Body,
  ConflictException,
  Controller,
  Delete,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DeviceTokensService } from './device-tokens.service.js';
import { CreateDeviceDto } from './dto/create-device.dto.js';
import { RegistrationConflict } from './token-store.js';

/** The admin API for device tokens; `npm run devices` does the same from a shell. */
@ApiTags('devices')
@ApiSecurity('api-key')
@Controller('api/devices')
export class DeviceTokensController {
  constructor(private readonly tokens: DeviceTokensService) {}

  @Post()
  @ApiOperation({ summary: 'Register a device and issue its token (shown only in this answer)' })
  @ApiCreatedResponse({ description: 'the device and its token' })
  async create(@Body() dto: CreateDeviceDto) {
    const registration = {
      id: dto.id,
      kind: dto.kind ?? 'handheld',
      gateway: dto.gateway ?? null,
      heartbeatSeconds: dto.heartbeatSeconds ?? null,
    };
    try {
      const { token, createdAt } = await this.tokens.issue(registration);
      return { ...registration, token, createdAt };
    } catch (error) {
      throw error instanceof RegistrationConflict ? new ConflictException(error.message) : error;
    }
  }

  @Delete(':id/token')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke a device's token; the device stays in the registry" })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.tokens.revoke(id))) {
      throw new NotFoundException(`device ${id.slice(0, 128)} has no token`);
    }
  }
}
