import type { AppConfig } from '../config/app-config.js';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Listeners that accept devices without credentials from beyond this machine. */
export function exposedOpenListeners(config: AppConfig): string[] {
  if (config.authMode !== 'open') {
    return [];
  }
  const listeners: [string, string][] = [
    ['HTTP', config.host],
    ['TCP', config.tcpHost],
  ];
  if (!config.mqttUrl) {
    listeners.push(['MQTT', config.mqttHost]);
  }
  return listeners
    .filter(([, host]) => !isLoopback(host))
    .map(([name, host]) => `${name} on ${host}`);
}
