import { CountParam } from '../../common/dto/count-param.decorator.js';
import { TimeRangeQuery } from '../../common/dto/time-range.query.js';

export class ActivityQuery extends TimeRangeQuery {
  @CountParam(100, 1000)
  limit = 100;
}

export class ActivityTextQuery extends TimeRangeQuery {
  @CountParam(100000, 1000000)
  limit = 100000;
}
