// The live dashboard: loads its state from the HTTP API, then follows Socket.IO.
'use strict';

(() => {
  const { setUpThemeToggle, formatTime, formatClock, formatNumber, h, api, themeColor, connectSocket } = window.sitewatch;
  const $ = (id) => document.getElementById(id);

  const MAX_EVENTS = 100;
  const METRICS = [
    ['readingsToday', 'readings today'],
    ['readingsLastHour', 'readings last hour'],
    ['acceptanceRate', 'accepted %'],
    ['writeQueue', 'write queue'],
    ['failedWrites', 'failed writes'],
    ['rejectedInputs', 'rejected inputs'],
    ['devicesOnline', 'devices online'],
    ['devicesOffline', 'devices offline'],
    ['openAlerts', 'open alerts'],
    ['notificationsWaiting', 'notifications waiting'],
  ];

  const state = { readings: new Map(), alerts: new Map(), gateways: [], events: [], exposure: new Map() };
  let chart = null;

  // ---- rendering: every device value goes in as text ----

  function renderStatus(status) {
    const overall = $('overall');
    overall.textContent = status.status;
    overall.className = `badge ${status.status}`;
    $('uptime').textContent = status.uptime || '—';
    const components = Object.entries(status.components || {});
    $('components').replaceChildren(
      ...(components.length === 0
        ? [h('li', { class: 'empty', text: 'No components reported yet' })]
        : components.map(([name, c]) =>
            h('li', {}, h('span', { class: 'name', text: name }), h('span', { class: `badge ${c.status}`, text: c.status }), h('span', { class: 'muted', text: c.detail || '' })),
          )),
    );
    renderMetrics(status.metrics);
  }

  function renderMetrics(metrics) {
    if (!metrics) {
      return;
    }
    $('metrics').replaceChildren(
      ...METRICS.map(([key, label]) => h('div', { class: 'metric', 'data-metric': key }, h('div', { class: 'value', text: formatNumber(metrics[key]) }), h('div', { class: 'label', text: label }))),
    );
    renderActivityChart(metrics.eventsPerMinute || []);
  }

  function renderActivityChart(perMinute) {
    if (!window.Chart) {
      return;
    }
    const now = Math.floor(Date.now() / 60000);
    const labels = perMinute.map((_, i) => new Date((now - perMinute.length + 1 + i) * 60000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    const color = themeColor('--accent');
    window.Chart.defaults.color = themeColor('--muted');
    window.Chart.defaults.borderColor = themeColor('--line');
    if (!chart) {
      chart = new window.Chart($('activity-chart'), {
        type: 'bar',
        data: { labels, datasets: [{ label: 'events', data: perMinute, backgroundColor: color }] },
        options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
      return;
    }
    chart.data.labels = labels;
    chart.data.datasets[0].data = perMinute;
    chart.data.datasets[0].backgroundColor = color;
    chart.update('none');
  }

  function renderOccupancy(o) {
    $('occupancy').textContent = formatNumber(o.occupancy);
    $('capacity').textContent = formatNumber(o.capacity);
    $('peak').textContent = formatNumber(o.peakToday);
    $('occupancy-at').textContent = o.updatedAt ? formatClock(o.updatedAt) : '—';
    const bar = $('occupancy-bar');
    bar.classList.toggle('over', o.occupancy > o.capacity);
    bar.firstElementChild.style.width = `${Math.min(100, o.capacity > 0 ? (o.occupancy / o.capacity) * 100 : 100)}%`;
  }

  function gasClass(type, value) {
    const t = type.toUpperCase();
    const levels = { CO: [35, 200], H2S: [10, 15], CH4: [5000, 10000], LEL: [10, 20] }[t];
    if (t === 'O2') {
      return value < 19.5 || value > 23.5 ? 'error' : '';
    }
    return levels ? (value >= levels[1] ? 'error' : value >= levels[0] ? 'warning' : '') : '';
  }

  function renderReadings() {
    const readings = [...state.readings.values()].sort((a, b) => b.ts - a.ts);
    $('readings').replaceChildren(
      ...(readings.length === 0
        ? [h('li', { class: 'empty', text: 'No readings yet' })]
        : readings.map((r) =>
            h(
              'li',
              { 'data-device': r.id },
              h('span', { class: 'name', text: r.id }),
              r.gateway !== null ? h('span', { class: 'muted', text: `gateway ${r.gateway}` }) : null,
              r.pct !== null ? h('span', { class: 'muted', text: `battery ${formatNumber(r.pct)} %` }) : null,
              h('span', { class: 'when', text: formatTime(r.ts) }),
              h('div', { class: 'chips' }, ...r.sensors.map((s) => h('span', { class: `chip ${gasClass(s.type, s.val)}`, text: `${s.type} ${formatNumber(s.val)}` }))),
            ),
          )),
    );
  }

  /** One limit as a bar: the value against its limit, amber from half of it, red at it. */
  function limitBar(label, value, limit) {
    const ratio = limit > 0 ? value / limit : 0;
    const bar = h('div', { class: `bar${ratio >= 1 ? ' over' : ratio >= 0.5 ? ' near' : ''}` }, h('span'));
    bar.firstElementChild.style.width = `${Math.min(100, ratio * 100)}%`;
    const text = limit === undefined ? `${label} ${formatNumber(value)}` : `${label} ${formatNumber(value)} of ${formatNumber(limit)}`;
    return h('div', { class: 'limit' }, h('span', { class: 'muted', text }), bar);
  }

  function renderExposure() {
    const entries = [...state.exposure.values()].sort((a, b) => a.id.localeCompare(b.id) || a.type.localeCompare(b.type));
    $('exposure').replaceChildren(
      ...(entries.length === 0
        ? [h('li', { class: 'empty', text: 'No exposure today' })]
        : entries.map((e) =>
            h(
              'li',
              { 'data-exposure': `${e.id}/${e.type}` },
              h('span', { class: 'name', text: `${e.id} · ${e.type}` }),
              h('span', { class: 'when', text: `peak ${formatNumber(e.peak)} · STEL max ${formatNumber(e.stelMax)}` }),
              h('div', { class: 'limits' }, limitBar('TWA 8 h', e.twa8h, e.limits.twa), limitBar('STEL 15 min', e.stel, e.limits.stel)),
            ),
          )),
    );
  }

  function putExposure(exposure) {
    state.exposure.set(`${exposure.id}\u0000${exposure.type}`, exposure);
    renderExposure();
  }

  function renderGateways() {
    $('gateways').replaceChildren(
      ...(state.gateways.length === 0
        ? [h('li', { class: 'empty', text: 'No gateway heard yet' })]
        : state.gateways.map((g) =>
            h(
              'li',
              { 'data-gateway': g.gateway },
              h('span', { class: 'name', text: `Gateway ${g.gateway}` }),
              h('span', { class: `badge ${g.state === 'active' ? 'active-gw' : 'inactive'}`, text: g.state }),
              h('span', { class: 'when', text: formatTime(g.lastActivityAt) }),
              h('div', { class: 'chips' }, ...g.sensors.map((s) => h('span', { class: `chip ${s.active ? '' : 'warning'}`, text: s.id }))),
            ),
          )),
    );
  }

  function renderAlerts() {
    const open = [...state.alerts.values()].filter((a) => a.state !== 'resolved').sort((a, b) => b.lastSeen - a.lastSeen);
    $('alerts').replaceChildren(
      ...(open.length === 0
        ? [h('li', { class: 'empty', text: 'No open alerts' })]
        : open.map((a) =>
            h(
              'li',
              { 'data-alert': a.id },
              h('span', { class: `badge ${a.severity}`, text: a.severity }),
              h('span', { class: 'name', text: a.subject }),
              h('span', { text: a.message }),
              h('span', { class: 'muted', text: `×${a.count} · first ${formatTime(a.firstSeen)} · last ${formatTime(a.lastSeen)}` }),
              a.state === 'active'
                ? h('button', { type: 'button', class: 'ack', text: 'Acknowledge', onclick: () => acknowledge(a.id) })
                : h('span', { class: 'badge info', text: 'acknowledged' }),
            ),
          )),
    );
  }

  function renderEvents() {
    $('events').replaceChildren(
      ...(state.events.length === 0
        ? [h('li', { class: 'empty', text: 'No events yet' })]
        : state.events.map((e) => h('li', { class: `t-${e.type}` }, h('span', { class: 'badge', text: e.type }), h('span', { text: e.message }), h('span', { class: 'when', text: formatClock(e.at) })))),
    );
  }

  // ---- state ----

  function addEvent(event) {
    if (state.events.some((e) => e.id === event.id)) {
      return;
    }
    state.events.unshift(event);
    state.events.length = Math.min(state.events.length, MAX_EVENTS);
    renderEvents();
  }

  function putReading(reading) {
    const known = state.readings.get(reading.id);
    if (!known || known.ts <= reading.ts) {
      state.readings.set(reading.id, reading);
      renderReadings();
    }
  }

  function putAlert(alert) {
    state.alerts.set(alert.id, alert);
    renderAlerts();
  }

  async function acknowledge(id) {
    try {
      putAlert(await api(`/api/alerts/${id}/ack`, { method: 'POST' }));
    } catch (error) {
      showBanner('down', `Could not acknowledge: ${error.message}`);
    }
  }

  async function loadGateways() {
    state.gateways = await api('/api/gateways');
    renderGateways();
  }

  /** Everything from the HTTP API: at start and after a reconnect, to catch up. */
  async function loadAll() {
    const [status, occupancy, latest, alerts, events, exposure] = await Promise.all([
      api('/api/status'),
      api('/api/occupancy'),
      api('/api/readings/latest'),
      api('/api/alerts?limit=200'),
      api('/api/events'),
      api('/api/exposure'),
      loadGateways(),
    ]);
    state.exposure = new Map(exposure.map((e) => [`${e.id}\u0000${e.type}`, e]));
    renderExposure();
    renderStatus(status);
    renderOccupancy(occupancy);
    state.readings = new Map(latest.map((r) => [r.id, r]));
    renderReadings();
    state.alerts = new Map(alerts.map((a) => [a.id, a]));
    renderAlerts();
    state.events = events.slice(0, MAX_EVENTS);
    renderEvents();
  }

  // ---- connection ----

  let bannerTimer;
  function showBanner(kind, text) {
    const banner = $('banner');
    clearTimeout(bannerTimer);
    banner.className = `banner ${kind}`;
    banner.textContent = text;
    if (kind === 'up') {
      bannerTimer = setTimeout(() => (banner.className = 'banner'), 4000);
    }
  }

  function connect() {
    const socket = connectSocket({ transports: ['websocket', 'polling'] });
    let everConnected = false;
    let lost = false;
    socket.on('connect', () => {
      $('link').textContent = 'live';
      if (everConnected && lost) {
        if (socket.recovered) {
          // the server replayed every event missed while away, in order: nothing to reload
          showBanner('up', 'Connection restored — nothing was missed');
        } else {
          showBanner('up', 'Connection restored — reloading what was missed');
          loadAll().catch((error) => showBanner('down', `Reload failed: ${error.message}`));
        }
      }
      everConnected = true;
      lost = false;
    });
    socket.on('disconnect', () => {
      lost = true;
      $('link').textContent = 'offline';
      showBanner('down', 'Connection lost — reconnecting…');
    });
    socket.on('connect_error', () => {
      if (everConnected) {
        lost = true;
        showBanner('down', 'Connection lost — reconnecting…');
      }
    });
    socket.on('update_data', putReading);
    socket.on('occupancy', renderOccupancy);
    socket.on('event', addEvent);
    socket.on('alert', putAlert);
    socket.on('status', renderStatus);
    socket.on('exposure', putExposure);
    socket.on('inactivity_warning', () => loadGateways().catch(() => undefined));
    socket.on('gateway_active', () => loadGateways().catch(() => undefined));
    return socket;
  }

  setUpThemeToggle($('theme'));
  document.getElementById('theme').addEventListener('click', () => chart && renderActivityChart(chart.data.datasets[0].data));
  loadAll()
    .catch((error) => showBanner('down', `Could not load: ${error.message}`))
    .finally(() => {
      window.sitewatchSocket = connect();
    });
})();
