import type { ComponentName, ComponentStatus, OverallStatus } from './monitor.types.js';

const INGEST_CHANNELS: ComponentName[] = ['tcp', 'mqtt'];
const OPTIONAL_PARTS: ComponentName[] = ['redis', 'notifications'];

/**
 * error: the database is unavailable; partial: an ingest channel is down; degraded: an
 * optional part is down or an error alert is active; healthy otherwise.
 */
export function overallStatus(
  components: Map<ComponentName, ComponentStatus>,
  errorAlertActive: boolean,
): OverallStatus {
  const down = (name: ComponentName) => {
    const component = components.get(name);
    return component !== undefined && component.status !== 'online';
  };
  if (down('database') || !components.has('database')) {
    return 'error';
  }
  if (INGEST_CHANNELS.some(down)) {
    return 'partial';
  }
  if (OPTIONAL_PARTS.some(down) || errorAlertActive) {
    return 'degraded';
  }
  return 'healthy';
}
