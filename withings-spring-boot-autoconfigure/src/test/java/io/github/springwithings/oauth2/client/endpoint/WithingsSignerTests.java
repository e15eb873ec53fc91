package io.github.springwithings.oauth2.client.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WithingsSignerTests {

	private final WithingsSigner signer = new WithingsSigner();

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"clientsecret|getnonce,client_id,1637090717|613fa7b29b5c3a14ca7759886e9783750e057caba3e8e601495d5b470a30d1ac",
			"clientsecret|wsname,client_id,nonce|ccb346f0416f06fb4b36d95ca75082098eaf2a8bc885506c689312806afa5b2b",
			"secretKey|getnonce,test_client_id,1594257200|813fa95f1669e344946e4cc248876293f05ec3de0335566c6529e12dd2f07d9a",
			"secretKey|action,clientId,nonce|bfcdf77330a5f4da566f53f848c378c2d412d6ea6fdb963604e3c014d3d02a34" })
	void hmacWhenPublishedVectorThenMatches(String secret, String message, String expected) {
		assertThat(this.signer.hmac(secret, message)).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"clientsecret|getnonce|client_id|1637090717|613fa7b29b5c3a14ca7759886e9783750e057caba3e8e601495d5b470a30d1ac",
			"clientsecret|wsname|client_id|nonce|ccb346f0416f06fb4b36d95ca75082098eaf2a8bc885506c689312806afa5b2b",
			"secretKey|getnonce|test_client_id|1594257200|813fa95f1669e344946e4cc248876293f05ec3de0335566c6529e12dd2f07d9a",
			"secretKey|action|clientId|nonce|bfcdf77330a5f4da566f53f848c378c2d412d6ea6fdb963604e3c014d3d02a34" })
	void signWhenPublishedVectorThenJoinsValuesSortedByParameterName(String secret, String action, String clientId,
			String nonce, String expected) {
		assertThat(this.signer.sign(secret, action, clientId, nonce)).isEqualTo(expected);
	}

	@Test
	void signWhenSecretEmptyThenThrows() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.signer.sign("", "a", "b", "c"))
			.withMessage("clientSecret cannot be empty");
	}

}
