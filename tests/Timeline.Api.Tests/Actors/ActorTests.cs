using System.Net;
using Timeline.Api.Actors;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Actors;

public sealed class ActorTests(TimelineApp app) : IClassFixture<TimelineApp>
{
    [Fact]
    public async Task ListingActorsReturnsEveryActorByNameWithItsEventCount()
    {
        var actors = await app.GetJsonAsync<ActorList>("/v1/actors");

        Assert.Contains(actors.Items, a => a is { Id: "poland", Type: "state", Country: "PL", EventCount: > 0 });
        Assert.Contains(actors.Items, a => a is { Id: "sergey-lavrov", Type: "person", Country: "RU" });
        Assert.Equal(actors.Items.Select(a => a.Id).Distinct().Count(), actors.Items.Length);
        Assert.Equal(actors.Items.OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal).Select(a => a.Id),
            actors.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task ListingActorsOfATypeReturnsOnlyThatType()
    {
        var all = await app.GetJsonAsync<ActorList>("/v1/actors");
        var states = await app.GetJsonAsync<ActorList>("/v1/actors?type=state");
        var peopleAndStates = await app.GetJsonAsync<ActorList>("/v1/actors?type=person,STATE");

        Assert.Contains(states.Items, a => a.Id == "poland");
        Assert.Equal(all.Items.Where(a => a.Type == "state").Select(a => a.Id), states.Items.Select(a => a.Id));
        Assert.Equal(all.Items.Where(a => a.Type is "person" or "state").Select(a => a.Id), peopleAndStates.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task ListingActorsOfACountryReturnsOnlyItsActors()
    {
        var all = await app.GetJsonAsync<ActorList>("/v1/actors");
        var russian = await app.GetJsonAsync<ActorList>("/v1/actors?country=ru");

        Assert.Contains(russian.Items, a => a.Id == "sergey-lavrov");
        Assert.Equal(all.Items.Where(a => a.Country == "RU").Select(a => a.Id), russian.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task SearchingActorsByPartOfTheNameIgnoresCase()
    {
        var found = await app.GetJsonAsync<ActorList>("/v1/actors?q=LAVR");

        Assert.Contains(found.Items, a => a.Id == "sergey-lavrov");
        Assert.All(found.Items, a => Assert.Contains("lavr", a.Name, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    public async Task SearchingActorsForAWildcardCharacterMatchesItLiterally(string q)
    {
        var found = await app.GetJsonAsync<ActorList>($"/v1/actors?q={Uri.EscapeDataString(q)}");

        Assert.All(found.Items, a => Assert.Contains(q, a.Name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("type=robot", "type", "person, state, organisation, alliance")]
    [InlineData("country=Russia", "country", "ISO 3166-1")]
    [InlineData("q=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "q", "at most 100")]
    public async Task ListingActorsWithInvalidFilterReturnsValidationProblem(string query, string parameter, string explanation)
    {
        var problem = await app.GetProblemAsync($"/v1/actors?{query}", HttpStatusCode.BadRequest);
        Assert.Equal([parameter], problem.Errors!.Keys);
        Assert.Contains(explanation, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GettingAnActorShowsItsEventsNewestFirstWithRoles()
    {
        var przewodow = await app.GetJsonAsync<Timeline.Api.Events.EventDetail>("/v1/events/2022-11-15-przewodow-missile");
        var taking = przewodow.Actors[0];
        var actor = await app.GetJsonAsync<ActorDetail>($"/v1/actors/{taking.Id}");

        Assert.Equal((taking.Name, taking.Type, taking.Country), (actor.Name, actor.Type, actor.Country));
        var przewodowThere = Assert.Single(actor.Events, e => e.Id == przewodow.Id);
        Assert.Equal(przewodow.Actors.Where(a => a.Id == taking.Id).Select(a => a.Role).Order(StringComparer.Ordinal), przewodowThere.Roles);
        Assert.Equal((przewodow.Title, przewodow.Kind, przewodow.Date, przewodow.Escalation.Level),
            (przewodowThere.Title, przewodowThere.Kind, przewodowThere.Date, przewodowThere.EscalationLevel));
        Assert.Equal(actor.Events.OrderByDescending(e => e.Date.Start).Select(e => e.Date.Start), actor.Events.Select(e => e.Date.Start));
        Assert.Equal(Math.Min(actor.EventCount, ActorEndpoints.EventsShown), actor.Events.Length);
        Assert.Equal($"/v1/events?actor={taking.Id}&sort=-date", actor.AllEvents);
    }

    [Fact]
    public async Task AnActorsAllEventsLinkListsTheSameEvents()
    {
        var lavrov = await app.GetJsonAsync<ActorDetail>("/v1/actors/sergey-lavrov");
        var linked = await app.GetJsonAsync<Timeline.Api.Events.EventPage>(lavrov.AllEvents + "&limit=50");

        Assert.NotEmpty(lavrov.Events);
        Assert.Equal(lavrov.Events.Select(e => e.Id), linked.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task AnActorsCountIsTheSameInTheListAndOnItsPage()
    {
        var actors = await app.GetJsonAsync<ActorList>("/v1/actors");
        foreach (var actor in actors.Items.Take(10))
        {
            var detail = await app.GetJsonAsync<ActorDetail>($"/v1/actors/{actor.Id}");
            Assert.Equal(actor.EventCount, detail.EventCount);
            Assert.Equal(actor with { EventCount = 0 }, new Actor(detail.Id, detail.Name, detail.Type, detail.Country, detail.WikidataQid, detail.Description, 0));
        }
    }

    [Fact]
    public async Task GettingAnUnknownActorReturnsNotFoundProblem()
    {
        var problem = await app.GetProblemAsync("/v1/actors/no-such-actor", HttpStatusCode.NotFound);
        Assert.Equal("Actor not found", problem.Title);
        Assert.Contains("'no-such-actor'", problem.Detail, StringComparison.Ordinal);
    }
}
