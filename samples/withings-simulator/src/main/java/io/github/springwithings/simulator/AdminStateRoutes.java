package io.github.springwithings.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import static io.github.springwithings.simulator.AdminJson.booleanValue;
import static io.github.springwithings.simulator.AdminJson.duration;
import static io.github.springwithings.simulator.AdminJson.longValue;
import static io.github.springwithings.simulator.AdminJson.ok;
import static io.github.springwithings.simulator.AdminJson.stringValue;

/**
 * The {@link WithingsAdminApi}'s routes for the simulator as a whole: {@code GET state},
 * {@code POST clock/advance}, {@code POST} and {@code DELETE faults}, {@code POST reset}.
 */
final class AdminStateRoutes {

	private final WithingsSimulator simulator;

	AdminStateRoutes(WithingsSimulator simulator) {
		this.simulator = simulator;
	}

	void contribute(Router router) {
		router.add(RequestMethod.GET, WithingsAdminApi.BASE + "/state", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(state());
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/clock/advance", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(advance(body));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/faults", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(injectFault(body));
			}
		});
		router.add(RequestMethod.DELETE, WithingsAdminApi.BASE + "/faults", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				AdminStateRoutes.this.simulator.clearFaults();
				return ok(Map.of("faults", faults()));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/reset", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				AdminStateRoutes.this.simulator.reset();
				return ok(state());
			}
		});
	}

	private Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("baseUrl", this.simulator.baseUrl());
		state.put("clock", clock());
		state.put("counters", this.simulator.counters().asMap());
		state.put("faults", faults());
		state.put("consent", this.simulator.consentState());
		state.put("notifications", AdminNotificationRoutes.summary(this.simulator));
		return state;
	}

	private Map<String, Object> clock() {
		Map<String, Object> clock = new LinkedHashMap<>();
		clock.put("instant", this.simulator.clock().instant().toString());
		clock.put("offset", this.simulator.clock().offset().toString());
		clock.put("offsetSeconds", this.simulator.clock().offset().toSeconds());
		return clock;
	}

	private Map<String, Integer> faults() {
		Map<String, Integer> faults = new LinkedHashMap<>();
		this.simulator.pendingFaults().forEach((endpoint, count) -> faults.put(endpoint.name(), count));
		return faults;
	}

	private Map<String, Object> advance(Map<String, Object> body) {
		Duration duration;
		if (body.containsKey("seconds")) {
			duration = Duration.ofSeconds(longValue(body, "seconds"));
		}
		else if (body.containsKey("duration")) {
			duration = duration(body, "duration");
		}
		else {
			throw new IllegalArgumentException("Expected {\"seconds\":10800} or {\"duration\":\"PT3H\"}");
		}
		if (duration.isNegative()) {
			throw new IllegalArgumentException("The simulator's clock only moves forward");
		}
		this.simulator.clock().advance(duration);
		return Map.of("clock", clock());
	}

	private Map<String, Object> injectFault(Map<String, Object> body) {
		SimulatorEndpoint endpoint = endpoint(stringValue(body, "endpoint"));
		SimulatorFault fault = fault(body);
		if (body.containsKey("afterProcessing") && booleanValue(body, "afterProcessing")) {
			fault = fault.afterProcessing();
		}
		long times = body.containsKey("times") ? longValue(body, "times") : 1;
		if (times < 1 || times > 1000) {
			throw new IllegalArgumentException("times must be between 1 and 1000");
		}
		for (long i = 0; i < times; i++) {
			this.simulator.injectFault(endpoint, fault);
		}
		return Map.of("faults", faults());
	}

	private static SimulatorEndpoint endpoint(String value) {
		for (SimulatorEndpoint endpoint : SimulatorEndpoint.values()) {
			if (endpoint.name().equalsIgnoreCase(value) || endpoint.path().equals(value)) {
				return endpoint;
			}
		}
		throw new IllegalArgumentException("Unknown endpoint " + value + ": expected AUTHORIZE, SIGNATURE, OAUTH2, "
				+ "MEASURE, MEASURE_V2, SLEEP, HEART, USER, NOTIFY or their paths");
	}

	private static SimulatorFault fault(Map<String, Object> body) {
		String type = stringValue(body, "type");
		return switch (type) {
			case "httpStatus" -> SimulatorFault.httpStatus(httpStatus(body));
			case "delay" -> SimulatorFault.delay(delay(body));
			case "nonJson" -> SimulatorFault.nonJson();
			case "emptyBody" -> SimulatorFault.emptyBody();
			case "truncatedBody" -> SimulatorFault.truncatedBody();
			case "connectionReset" -> SimulatorFault.connectionReset();
			case "withingsStatus" -> SimulatorFault.withingsStatus((int) longValue(body, "status"),
					body.containsKey("error") ? stringValue(body, "error") : null);
			case "tooManyRequests" -> SimulatorFault.tooManyRequests((int) longValue(body, "waitSeconds"));
			case "rateLimited" -> SimulatorFault.rateLimited((int) longValue(body, "waitSeconds"));
			default -> throw new IllegalArgumentException("Unknown fault type " + type + ": expected httpStatus, delay, "
					+ "nonJson, emptyBody, truncatedBody, connectionReset, withingsStatus, tooManyRequests or rateLimited");
		};
	}

	private static Duration delay(Map<String, Object> body) {
		Duration delay = body.containsKey("millis") ? Duration.ofMillis(longValue(body, "millis"))
				: duration(body, "duration");
		if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalArgumentException("A delay lasts between 0 and 5 minutes");
		}
		return delay;
	}

	private static int httpStatus(Map<String, Object> body) {
		long status = longValue(body, "status");
		if (status < 100 || status > 599) {
			throw new IllegalArgumentException("status must be an HTTP status");
		}
		return (int) status;
	}

}
