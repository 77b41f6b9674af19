'use strict';
/** Process memory and limits read from /proc (Linux only, like the rest of the harness). */
const fs = require('node:fs');

/** {rssMb, hwmMb} of a pid from /proc/PID/status; null when the process is gone. */
function memoryOf(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return { rssMb: kb('VmRSS'), hwmMb: kb('VmHWM') };
}

/** Open file descriptors of a pid (count of /proc/PID/fd entries). */
function fdCount(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/** This process's soft limit on open files. */
function openFilesLimit() {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
  return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
}

/** The machine line every result carries: cores, CPU model, Node version, kernel. */
function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (/^model name\s*:\s*(.+)$/m.exec(cpuinfo) ?? [])[1] ?? 'unknown';
  const os = require('node:os');
  return { cores: os.availableParallelism(), cpu: model.trim(), node: process.version, kernel: os.release(), host: os.hostname(), memGb: Math.round(os.totalmem() / 2 ** 30) };
}

module.exports = { memoryOf, fdCount, openFilesLimit, machine };
