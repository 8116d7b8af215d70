package io.tusk.mr.job;

import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JobCredentialsTest
{
    @Test
    void aJobsCredentialsHoldNeitherAMastersTokenNorTusksSecret()
    {
        Credentials client = new Credentials();
        client.addToken(new Text("rm"), token("YARN_AM_RM_TOKEN", "rm"));
        client.addSecretKey(new Text(JobCredentials.TUSK_SECRET_ALIAS), bytes("secret of another application"));
        client.addToken(new Text("hdfs"), token("HDFS_DELEGATION_TOKEN", "hdfs"));
        Credentials submitted = new Credentials();
        submitted.addSecretKey(new Text("password"), bytes("s3cr3t"));

        Credentials job = JobCredentials.of(client, null, submitted);
        assertThat(job.getAllTokens()).extracting(Token::getService).containsExactly(new Text("hdfs"));
        assertThat(job.getAllSecretKeys()).containsExactly(new Text("password"));
        assertThat(client.numberOfSecretKeys()).as("sources unchanged").isEqualTo(1);
    }

    @Test
    void aProcessUserGetsOnlyTheTokensOfServicesItHasNoneFor()
    {
        UserGroupInformation user = UserGroupInformation.createRemoteUser("someone");
        Token<?> first = token("HDFS_DELEGATION_TOKEN", "hdfs");
        user.addToken(new Text("hdfs"), first);
        Credentials job = new Credentials();
        job.addToken(new Text("hdfs"), token("HDFS_DELEGATION_TOKEN", "hdfs-later"));
        job.addToken(new Text("other"), token("HDFS_DELEGATION_TOKEN", "other"));
        job.addSecretKey(new Text("password"), bytes("s3cr3t"));

        JobCredentials.addNewTokens(user, job);
        assertThat(user.getCredentials().getToken(new Text("hdfs"))).as("the process's own, renewed for its application").isEqualTo(first);
        assertThat(user.getCredentials().getToken(new Text("other"))).isNotNull();
        assertThat(user.getCredentials().numberOfSecretKeys()).as("other jobs' tasks run as this user").isZero();
    }

    private static Token<?> token(String kind, String id)
    {
        return new Token<>(bytes(id), new byte[0], new Text(kind), new Text(id));
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
