package io.github.springwithings.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the simulator, before fault injection and rendering by WireMock.
 */
final class SimulatorResponse {

	final int httpStatus;

	final Map<String, Object> envelope;

	final String html;

	final String location;

	private SimulatorResponse(int httpStatus, Map<String, Object> envelope, String html, String location) {
		this.httpStatus = httpStatus;
		this.envelope = envelope;
		this.html = html;
		this.location = location;
	}

	/** HTTP 200 with Withings' {@code {"status":..,"body":..,"error":..}} envelope. */
	static SimulatorResponse envelope(int status, Map<String, ?> body, String error) {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("status", status);
		envelope.put("body", body);
		if (error != null) {
			envelope.put("error", error);
		}
		return new SimulatorResponse(200, envelope, null, null);
	}

	/** An HTML page, as Withings shows errors of the consent page to the user. */
	static SimulatorResponse page(int httpStatus, String message) {
		String html = "<!DOCTYPE html><html><head><title>Withings</title></head><body><h1>Withings (simulator)</h1><p>"
				+ message + "</p></body></html>";
		return new SimulatorResponse(httpStatus, null, html, null);
	}

	/** A full HTML page, e.g. the consent form. */
	static SimulatorResponse html(int httpStatus, String html) {
		return new SimulatorResponse(httpStatus, null, html, null);
	}

	static SimulatorResponse redirect(String location) {
		return new SimulatorResponse(302, null, null, location);
	}

	Integer withingsStatus() {
		return (this.envelope != null) ? (Integer) this.envelope.get("status") : null;
	}

}
