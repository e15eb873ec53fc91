package io.github.springwithings.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

import static io.github.springwithings.simulator.AdminJson.booleanValue;
import static io.github.springwithings.simulator.AdminJson.json;
import static io.github.springwithings.simulator.AdminJson.ok;
import static io.github.springwithings.simulator.AdminJson.stringOrNumber;
import static io.github.springwithings.simulator.AdminJson.stringValue;

/**
 * The {@link WithingsAdminApi}'s routes for users and their consent: {@code POST
 * users/{userId}/revoke}, {@code POST consent}, {@code GET accounts/{account}}.
 */
final class AdminUserRoutes {

	private final WithingsSimulator simulator;

	AdminUserRoutes(WithingsSimulator simulator) {
		this.simulator = simulator;
	}

	void contribute(Router router) {
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/users/{userId}/revoke", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return revoke(params.get("userId"));
			}
		});
		router.add(RequestMethod.POST, WithingsAdminApi.BASE + "/consent", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				return ok(consent(body));
			}
		});
		router.add(RequestMethod.GET, WithingsAdminApi.BASE + "/accounts/{account}", new AdminRoute() {
			@Override
			ResponseDefinition handle(Map<String, Object> body, Map<String, String> params) {
				String account = SimulatorAccounts
					.normalize(URLDecoder.decode(params.get("account"), StandardCharsets.UTF_8));
				return ok(Map.of("account", account, "userId", AdminUserRoutes.this.simulator.accountUserId(account)));
			}
		});
	}

	private ResponseDefinition revoke(String userId) {
		if (!userId.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("A Withings user id is numeric");
		}
		if (!this.simulator.revokeUser(userId)) {
			return json(404, Map.of("error", "Unknown user " + userId + ": nothing was issued to it"));
		}
		return ok(Map.of("userId", userId, "revoked", true));
	}

	private Map<String, Object> consent(Map<String, Object> body) {
		int who = (body.containsKey("account") ? 1 : 0) + (body.containsKey("userId") ? 1 : 0)
				+ (body.containsKey("newUser") ? 1 : 0);
		if (who > 1) {
			throw new IllegalArgumentException("Give one of account, userId and newUser");
		}
		if (who == 0 && !body.containsKey("deny") && !body.containsKey("page")) {
			throw new IllegalArgumentException("Expected account, userId, newUser, deny or page");
		}
		if (body.containsKey("account")) {
			this.simulator.consentAs(SimulatorAccounts.normalize(stringValue(body, "account")));
		}
		else if (body.containsKey("userId")) {
			String userId = stringOrNumber(body, "userId");
			if (userId.isEmpty() || !userId.chars().allMatch(Character::isDigit)) {
				throw new IllegalArgumentException("A Withings user id is numeric");
			}
			this.simulator.setConsentingUserId(userId);
		}
		else if (body.containsKey("newUser")) {
			if (!Boolean.TRUE.equals(booleanValue(body, "newUser"))) {
				throw new IllegalArgumentException("newUser can only be true");
			}
			this.simulator.consentAsNewUsers();
		}
		if (body.containsKey("deny")) {
			this.simulator.setDenyConsent(booleanValue(body, "deny"));
		}
		if (body.containsKey("page")) {
			this.simulator.setConsentPage(booleanValue(body, "page"));
		}
		return Map.of("consent", this.simulator.consentState());
	}

}
