import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serviceNameOf, tracingEnabled } from '../../src/tracing/sdk.js';

describe('tracing bootstrap configuration', () => {
  test('when no OTLP endpoint is configured, then tracing is off', () => {
    assert.equal(tracingEnabled({}), false);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }), false);
  });

  test('when an endpoint is configured, then tracing is on unless OTEL_SDK_DISABLED is true', () => {
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }), true);
    assert.equal(
      tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' }),
      true,
    );
    assert.equal(
      tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'TRUE' }),
      false,
    );
    assert.equal(
      tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'false' }),
      true,
    );
  });

  test('when OTEL_SERVICE_NAME is not set, then the service is named after the folder of its script', () => {
    assert.equal(
      serviceNameOf({ OTEL_SERVICE_NAME: 'custom' }, '/app/broker-service/dist/main.js'),
      'custom',
    );
    assert.equal(serviceNameOf({}, '/app/broker-service/dist/main.js'), 'broker-service');
    assert.equal(serviceNameOf({}, '/work/listener-service/dist/replay-dead.js'), 'listener-service');
  });
});
