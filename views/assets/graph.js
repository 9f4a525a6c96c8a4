// The history page: device, sensor type and range live in the address, so a link shows the same chart.
'use strict';

(() => {
  const { setUpThemeToggle, formatTime, formatNumber, h, api, themeColor, withKey } = window.sitewatch;
  const $ = (id) => document.getElementById(id);
  let devices = [];
  let chart = null;

  /** The choice in the address: /graph?id=&type=&from=&to= (Unix seconds). */
  function readAddress() {
    const params = new URLSearchParams(location.search);
    const now = Math.floor(Date.now() / 1000);
    const to = Number(params.get('to')) || now;
    const from = Number(params.get('from')) || to - 3600;
    return { id: params.get('id') || '', type: params.get('type') || '', from, to };
  }

  function writeAddress(choice) {
    const params = new URLSearchParams({ id: choice.id, type: choice.type, from: String(choice.from), to: String(choice.to) });
    history.replaceState(null, '', `/graph?${params}`);
  }

  function toLocalInput(seconds) {
    const d = new Date(seconds * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function fillDevices(selected) {
    $('device').replaceChildren(...devices.map((d) => h('option', { value: d.id, text: d.id, selected: d.id === selected })));
    if (devices.length === 0) {
      $('device').append(h('option', { value: '', text: 'no devices yet' }));
    }
  }

  function fillTypes(deviceId, selected) {
    const device = devices.find((d) => d.id === deviceId);
    const types = device ? device.sensorTypes : [];
    $('type').replaceChildren(...types.map((t) => h('option', { value: t, text: t, selected: t === selected })));
  }

  function currentChoice() {
    const range = $('range').value;
    const now = Math.floor(Date.now() / 1000);
    if (range === 'custom') {
      const from = Math.floor(new Date($('from').value).getTime() / 1000);
      const to = Math.floor(new Date($('to').value).getTime() / 1000);
      return { id: $('device').value, type: $('type').value, from, to };
    }
    return { id: $('device').value, type: $('type').value, from: now - Number(range), to: now };
  }

  function showRange(choice) {
    const span = choice.to - choice.from;
    const preset = ['3600', '86400', '604800'].find((s) => Math.abs(Number(s) - span) <= 1 && Math.abs(Date.now() / 1000 - choice.to) < 120);
    $('range').value = preset || 'custom';
    $('from').value = toLocalInput(choice.from);
    $('to').value = toLocalInput(choice.to);
    toggleCustom();
  }

  function toggleCustom() {
    const custom = $('range').value === 'custom';
    $('from-box').classList.toggle('hidden', !custom);
    $('to-box').classList.toggle('hidden', !custom);
  }

  /** Times of day for a day or less, dates and times beyond. */
  function tickLabel(seconds, span) {
    const date = new Date(seconds * 1000);
    const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return span <= 86400 ? time : `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
  }

  function draw(series, choice) {
    const points = series.points;
    $('empty').classList.toggle('hidden', points.length > 0);
    $('summary').textContent = `${choice.id} · ${choice.type} · ${formatTime(series.from)} – ${formatTime(series.to)} · buckets of ${formatNumber(series.bucketSeconds)} s`;
    const accent = themeColor('--accent');
    const band = themeColor('--accent', 0.22);
    window.Chart.defaults.color = themeColor('--muted');
    window.Chart.defaults.borderColor = themeColor('--line');
    const data = {
      datasets: [
        { label: 'min', data: points.map((p) => ({ x: p.t, y: p.min })), borderWidth: 0, pointRadius: 0, fill: false },
        { label: 'max', data: points.map((p) => ({ x: p.t, y: p.max })), borderWidth: 0, pointRadius: 0, backgroundColor: band, fill: '-1' },
        { label: 'average', data: points.map((p) => ({ x: p.t, y: p.avg })), borderColor: accent, backgroundColor: accent, borderWidth: 2, pointRadius: points.length > 60 ? 0 : 2, fill: false },
      ],
    };
    const options = {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { filter: (item) => item.text === 'average' } }, tooltip: { callbacks: { title: (items) => formatTime(items[0].parsed.x) } } },
      scales: {
        x: { type: 'linear', min: series.from, max: series.to, ticks: { maxTicksLimit: 6, callback: (v) => tickLabel(v, series.to - series.from) } },
        y: { beginAtZero: false },
      },
    };
    if (chart) {
      chart.destroy();
    }
    chart = new window.Chart($('chart'), { type: 'line', data, options });
  }

  async function show(choice) {
    writeAddress(choice);
    const params = new URLSearchParams({ id: choice.id, type: choice.type, from: String(choice.from), to: String(choice.to) });
    $('csv').href = withKey(`/api/readings.csv?${params}`);
    if (!choice.id || !choice.type) {
      $('empty').classList.remove('hidden');
      $('summary').textContent = 'Pick a device and a sensor type.';
      return;
    }
    try {
      draw(await api(`/api/readings/series?${params}&points=300`), choice);
      $('banner').className = 'banner';
    } catch (error) {
      $('banner').className = 'banner down';
      $('banner').textContent = `Could not load the series: ${error.message}`;
    }
  }

  async function start() {
    setUpThemeToggle($('theme'));
    const choice = readAddress();
    devices = (await api('/api/devices')).filter((d) => d.sensorTypes.length > 0);
    if (!choice.id && devices.length > 0) {
      choice.id = devices[0].id;
    }
    fillDevices(choice.id);
    fillTypes(choice.id, choice.type);
    choice.type = $('type').value || choice.type;
    showRange(choice);
    $('device').addEventListener('change', () => fillTypes($('device').value));
    $('range').addEventListener('change', toggleCustom);
    $('controls').addEventListener('submit', (event) => {
      event.preventDefault();
      void show(currentChoice());
    });
    $('theme').addEventListener('click', () => show(readAddress()));
    await show(choice);
  }

  start().catch((error) => {
    $('banner').className = 'banner down';
    $('banner').textContent = `Could not load: ${error.message}`;
  });
})();
