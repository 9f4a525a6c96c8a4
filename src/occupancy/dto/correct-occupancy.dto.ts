import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { NO_CONTROL_CHARACTERS } from '../../common/text.js';

export const MAX_CORRECTED_OCCUPANCY = 1_000_000;
export const MAX_REASON_CHARACTERS = 200;

/**
 * 1–200 characters counted as code points, the way PostgreSQL's VARCHAR counts them
 * (class-validator's Length ignores variation selectors), with at least one that is not a space.
 */
function IsReasonText(): PropertyDecorator {
  return ValidateBy({
    name: 'isReasonText',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') {
          return false;
        }
        const characters = [...value].length;
        return characters >= 1 && characters <= MAX_REASON_CHARACTERS && /\S/.test(value);
      },
      defaultMessage: () => `reason must be 1–${MAX_REASON_CHARACTERS} characters, not only spaces`,
    },
  });
}

/** `POST /api/occupancy`: the count as an operator counted it, and why. */
export class CorrectOccupancyDto {
  @ApiProperty({ example: 42, minimum: 0, maximum: MAX_CORRECTED_OCCUPANCY })
  @IsInt({ message: 'occupancy must be a whole number' })
  @Min(0)
  @Max(MAX_CORRECTED_OCCUPANCY)
  occupancy: number;

  @ApiProperty({
    example: 'head count at the gate',
    minLength: 1,
    maxLength: MAX_REASON_CHARACTERS,
  })
  @IsString()
  @IsReasonText()
  @Matches(NO_CONTROL_CHARACTERS, { message: 'reason must not contain control characters' })
  reason: string;
}
