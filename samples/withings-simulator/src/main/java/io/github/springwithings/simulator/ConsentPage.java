package io.github.springwithings.simulator;

import java.util.List;

/**
 * The simulator's consent page, a real HTML form: who signs in (an account name, or blank for
 * the simulator's default) and Allow / Deny, posted back to {@code /oauth2_user/authorize2} with a
 * single-use ticket that holds the validated authorization request.
 */
final class ConsentPage {

	/** Name of the hidden form field carrying the ticket. */
	static final String TICKET = "ticket";

	/** Name of the account field. */
	static final String ACCOUNT = "account";

	/** Name of the buttons' field: {@code allow} or {@code deny}. */
	static final String DECISION = "decision";

	private ConsentPage() {
	}

	static String render(String ticket, String clientId, List<String> scopes, String redirectUri, String account,
			String defaultUser) {
		StringBuilder scopeItems = new StringBuilder();
		for (String scope : scopes) {
			scopeItems.append("<li>").append(escape(scope)).append("</li>");
		}
		return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Withings (simulator): allow access"
				+ "</title></head><body><h1>Withings (simulator)</h1>" + "<p>The application <code id=\"client-id\">"
				+ escape(clientId) + "</code> asks to access your Withings data:</p><ul id=\"scopes\">" + scopeItems
				+ "</ul><p>You will be sent back to <code id=\"redirect-uri\">" + escape(redirectUri) + "</code>.</p>"
				+ "<form method=\"post\" action=\"" + SimulatorEndpoint.AUTHORIZE.path() + "\">"
				+ "<input type=\"hidden\" name=\"" + TICKET + "\" value=\"" + escape(ticket) + "\">"
				+ "<p><label for=\"account\">Account</label> <input type=\"text\" id=\"account\" name=\"" + ACCOUNT
				+ "\" value=\"" + escape((account != null) ? account : "") + "\" placeholder=\"" + escape(defaultUser)
				+ "\" autofocus></p><p><small>The same account name is always the same Withings user id; leave it"
				+ " blank for " + escape(defaultUser) + ".</small></p>"
				+ "<p><button type=\"submit\" id=\"allow\" name=\"" + DECISION + "\" value=\"allow\">Allow</button> "
				+ "<button type=\"submit\" id=\"deny\" name=\"" + DECISION + "\" value=\"deny\">Deny</button></p>"
				+ "</form></body></html>";
	}

	static String escape(String value) {
		StringBuilder escaped = new StringBuilder(value.length());
		for (char c : value.toCharArray()) {
			switch (c) {
				case '<' -> escaped.append("&lt;");
				case '>' -> escaped.append("&gt;");
				case '&' -> escaped.append("&amp;");
				case '"' -> escaped.append("&quot;");
				case '\'' -> escaped.append("&#39;");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
