// The main flow through the TypeScript client generated from the live public document
// (openapi-typescript's types, openapi-fetch's typed calls): tests/e2e/test_generated_sdks.py
// compiles it with tsc and runs it with node against a running suite.
//
// Arguments: gateway URL, practitioner's username, provider staff's username, their
// password, the provider's id. Prints what the flow saw, as JSON.
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const [gateway, practitioner, staff, password, providerId] = process.argv.slice(2);
const api = createClient<paths>({ baseUrl: gateway });

function failed(step: string, error: unknown): never {
  throw new Error(`${step}: ${JSON.stringify(error)}`);
}

async function signIn(username: string): Promise<Record<string, string>> {
  const { data, error } = await api.POST("/api/v1/auth/token", {
    body: { grant_type: "password", username, password },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (!data) failed("sign in", error);
  return { Authorization: `Bearer ${data.access_token}` };
}

const worker = await signIn(practitioner);
const screening = await api.POST("/api/v1/screenings", {
  headers: worker,
  body: {
    subject: { age: 26, possibly_minor: false, gender: "female", citizenship: "RO" },
    context: { county: "RO-IS", setting: "social_services", act_recorded: false },
    answers: ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"].map((indicator) => ({
      indicator,
      answer: "yes" as const,
    })),
  },
});
if (!screening.data) failed("screening", screening.error);
const caseId = screening.data.case_id;
if (!caseId) failed("screening opened no case", screening.data);
const path = { case_id: caseId };

const consent = await api.POST("/api/v1/cases/{case_id}/consents", {
  params: { path },
  headers: worker,
  body: { scope: "referral", given: true, method: "written" },
});
if (!consent.data) failed("consent", consent.error);

const matches = await api.GET("/api/v1/cases/{case_id}/provider-matches", {
  params: { path, query: { service: ["shelter"] } },
  headers: worker,
});
if (!matches.data) failed("matches", matches.error);

const referral = await api.POST("/api/v1/referrals", {
  headers: worker,
  body: { case_id: caseId, provider_id: providerId, services: ["shelter"] },
});
if (!referral.data) failed("referral", referral.error);

const accepted = await api.POST("/api/v1/referrals/{referral_id}/accept", {
  params: { path: { referral_id: referral.data.id } },
  headers: await signIn(staff),
  body: { note: "A place is ready." },
});
if (!accepted.data) failed("accept", accepted.error);

console.log(
  JSON.stringify({
    outcome: screening.data.outcome,
    case_id: caseId,
    consent_scope: consent.data.scope,
    matched: matches.data.matches.map((match) => match.provider_id),
    referral_id: referral.data.id,
    status: accepted.data.status,
  }),
);
