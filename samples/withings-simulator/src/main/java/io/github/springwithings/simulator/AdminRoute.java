package io.github.springwithings.simulator;

import java.util.Map;

import com.github.tomakehurst.wiremock.admin.AdminTask;
import com.github.tomakehurst.wiremock.common.url.PathParams;
import com.github.tomakehurst.wiremock.core.Admin;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import tools.jackson.core.JacksonException;

/**
 * A route of the {@link WithingsAdminApi}: JSON body in, JSON out, argument errors answered 400.
 * Each route is a class of its own: WireMock finds a task's path template by the task's class.
 */
abstract class AdminRoute implements AdminTask {

	@Override
	public ResponseDefinition execute(Admin admin, ServeEvent serveEvent, PathParams pathParams) {
		try {
			return handle(AdminJson.body(serveEvent.getRequest().getBodyAsString()), pathParams);
		}
		catch (IllegalArgumentException | JacksonException ex) {
			return AdminJson.json(400, Map.of("error", String.valueOf(ex.getMessage())));
		}
	}

	abstract ResponseDefinition handle(Map<String, Object> body, Map<String, String> params);

}
