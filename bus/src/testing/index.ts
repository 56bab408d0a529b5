// @facsimile/bus/testing: the Transport conformance suite every transport passes (local in unit tests, Kafka
// in the integration tests).
export {
  type ConformanceTestApi,
  DEFAULT_TRANSPORT_CONFORMANCE_OPTIONS,
  describeTransportConformance,
  type TransportConformanceOptions,
} from "./transport-conformance.js";
