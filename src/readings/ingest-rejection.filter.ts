import { type ArgumentsHost, Catch, HttpException, Injectable } from '@nestjs/common';
import { AllExceptionsFilter } from '../common/all-exceptions.filter.js';
import { IngestEvents } from './ingest-events.js';

/** Counts refused ingest requests (4xx) for the acceptance rate, then answers as usual. */
@Injectable()
@Catch()
export class IngestRejectionFilter extends AllExceptionsFilter {
  constructor(private readonly ingest: IngestEvents) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const body: unknown = host.switchToHttp().getRequest().body;
      this.ingest.rejected('http', Array.isArray(body) ? Math.max(body.length, 1) : 1);
    }
    super.catch(exception, host);
  }
}
