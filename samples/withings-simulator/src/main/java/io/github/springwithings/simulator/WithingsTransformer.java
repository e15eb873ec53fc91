package io.github.springwithings.simulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.FormParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every request WireMock receives into the simulator's answer: parses it strictly, asks
 * the {@link WithingsBackend}, then applies injected faults and latency.
 */
final class WithingsTransformer implements ResponseDefinitionTransformerV2 {

	static final String NAME = "withings-simulator";

	private final JsonMapper json = JsonMapper.builder().build();

	private final WithingsBackend backend;

	private final Map<SimulatorEndpoint, Queue<SimulatorFault>> faults = new ConcurrentHashMap<>();

	private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);

	WithingsTransformer(WithingsBackend backend) {
		this.backend = backend;
	}

	void injectFault(SimulatorEndpoint endpoint, SimulatorFault fault) {
		this.faults.computeIfAbsent(endpoint, (key) -> new ConcurrentLinkedQueue<>()).add(fault);
	}

	void clearFaults() {
		this.faults.clear();
	}

	/** Faults still queued, per endpoint. */
	Map<SimulatorEndpoint, Integer> pendingFaults() {
		Map<SimulatorEndpoint, Integer> pending = new EnumMap<>(SimulatorEndpoint.class);
		this.faults.forEach((endpoint, queue) -> {
			if (!queue.isEmpty()) {
				pending.put(endpoint, queue.size());
			}
		});
		return pending;
	}

	void setLatency(Duration latency) {
		this.latency.set(latency);
	}

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		Request request = serveEvent.getRequest();
		String path = Urls.getPath(request.getUrl());
		SimulatorEndpoint endpoint = SimulatorEndpoint.forPath(path);
		if (endpoint == null) {
			return render(SimulatorResponse.page(404, "Not found"), Duration.ZERO);
		}
		Queue<SimulatorFault> queue = this.faults.get(endpoint);
		SimulatorFault fault = (queue != null) ? queue.poll() : null;
		Duration delay = this.latency.get();
		if (fault != null && fault.kind() == SimulatorFault.Kind.DELAY) {
			delay = delay.plus(fault.delay());
			fault = null;
		}
		if (fault != null && fault.kind() == SimulatorFault.Kind.ANSWER) {
			// the request is checked as always: only an answer the simulator would give is replaced
			SimulatorResponse answer = handle(endpoint, request);
			return Integer.valueOf(0).equals(answer.withingsStatus()) ? renderFault(fault, delay) : render(answer, delay);
		}
		if (fault != null && fault.isAfterProcessing()) {
			SimulatorResponse answer = handle(endpoint, request);
			if (fault.kind() == SimulatorFault.Kind.HOLD) {
				fault.holdAfterProcessing();
				return render(answer, delay);
			}
			return renderFault(fault, delay);
		}
		if (fault != null) {
			return renderFault(fault, delay);
		}
		return render(handle(endpoint, request), delay);
	}

	private SimulatorResponse handle(SimulatorEndpoint endpoint, Request request) {
		if (endpoint == SimulatorEndpoint.AUTHORIZE) {
			if (RequestMethod.GET.equals(request.getMethod())) {
				return this.backend.authorize(query(request), true);
			}
			if (RequestMethod.POST.equals(request.getMethod()) && isForm(request)) {
				Map<String, String> form = form(request);
				return (form != null) ? this.backend.consent(form)
						: SimulatorResponse.page(400, "Repeated form field");
			}
			return SimulatorResponse.page(405, "Method not allowed");
		}
		if (!RequestMethod.POST.equals(request.getMethod())) {
			return SimulatorResponse.envelope(2554, Map.of(), "Not implemented: use POST");
		}
		if (!isForm(request)) {
			return SimulatorResponse.envelope(503, Map.of(), "Invalid Params: expected a form-encoded body");
		}
		Map<String, String> form = form(request);
		if (form == null) {
			return SimulatorResponse.envelope(503, Map.of(), "Invalid Params: repeated parameter");
		}
		SimulatorResponse rateLimited = this.backend.rateLimit();
		if (rateLimited != null) {
			return rateLimited;
		}
		return switch (endpoint) {
			case SIGNATURE -> this.backend.signature(form);
			case OAUTH2 -> this.backend.oauth2(form);
			case MEASURE, MEASURE_V2, SLEEP, HEART, USER ->
				this.backend.data(endpoint, request.getHeader("Authorization"), form);
			case NOTIFY -> this.backend.notify(request.getHeader("Authorization"), form);
			default -> SimulatorResponse.page(404, "Not found");
		};
	}

	private static boolean isForm(Request request) {
		String contentType = request.getHeader("Content-Type");
		return contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded");
	}

	private static Map<String, String> query(Request request) {
		Map<String, String> query = new LinkedHashMap<>();
		Urls.splitQueryFromUrl(request.getUrl()).forEach((name, parameter) -> query.put(name, parameter.firstValue()));
		return query;
	}

	private static Map<String, String> form(Request request) {
		Map<String, String> form = new LinkedHashMap<>();
		for (Map.Entry<String, FormParameter> entry : request.formParameters().entrySet()) {
			if (entry.getValue().values().size() != 1) {
				return null;
			}
			form.put(entry.getKey(), entry.getValue().firstValue());
		}
		return form;
	}

	private ResponseDefinition render(SimulatorResponse response, Duration delay) {
		ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.responseDefinition()
			.withStatus(response.httpStatus)
			.withFixedDelay((int) delay.toMillis());
		if (response.location != null) {
			builder.withHeader("Location", response.location);
		}
		else if (response.envelope != null) {
			builder.withHeader("Content-Type", "application/json; charset=utf-8")
				.withBody(this.json.writeValueAsString(response.envelope));
		}
		else {
			builder.withHeader("Content-Type", "text/html; charset=utf-8").withBody(response.html);
		}
		return builder.build();
	}

	private ResponseDefinition renderFault(SimulatorFault fault, Duration delay) {
		ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.responseDefinition()
			.withFixedDelay((int) delay.toMillis());
		switch (fault.kind()) {
			case HTTP_STATUS -> builder.withStatus(fault.status())
				.withHeader("Content-Type", "text/html; charset=utf-8")
				.withBody("<html><body><h1>" + fault.status() + " Server Error</h1></body></html>");
			case NON_JSON -> builder.withStatus(200)
				.withHeader("Content-Type", "text/html; charset=utf-8")
				.withBody("<html><body>Maintenance in progress</body></html>");
			case EMPTY_BODY -> builder.withStatus(200).withHeader("Content-Type", "application/json");
			case TRUNCATED_BODY -> builder.withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"status\":0,\"body\":{\"userid\":\"1\",\"expires_in\":108");
			case CONNECTION_RESET -> builder.withFault(Fault.CONNECTION_RESET_BY_PEER);
			case ANSWER -> builder.withStatus(200)
				.withHeader("Content-Type", "application/json; charset=utf-8")
				.withBody(fault.error());
			case WITHINGS_STATUS -> {
				Map<String, Object> body = (fault.waitSeconds() != null) ? Map.of("wait_seconds", fault.waitSeconds())
						: Map.of();
				SimulatorResponse response = SimulatorResponse.envelope(fault.status(), body, fault.error());
				return render(response, delay);
			}
			case WITHINGS_STATUS_WITHOUT_BODY -> {
				SimulatorResponse response = SimulatorResponse.envelope(fault.status(), Map.of(), fault.error());
				response.envelope.remove("body");
				return render(response, delay);
			}
			default -> throw new IllegalStateException("Unexpected fault " + fault.kind());
		}
		return builder.build();
	}

}
