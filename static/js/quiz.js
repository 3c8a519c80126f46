// The note's quiz, scored in the browser: the answer key is in the page (it is for practice).

const key = JSON.parse(document.getElementById("quiz-key").textContent);
const form = document.getElementById("quiz-form");
const score = document.getElementById("quiz-score");
const submit = form.querySelector('button[type="submit"]');
const again = form.querySelector('button[type="reset"]');
const questions = [...form.querySelectorAll(".question")];

const choiceText = (question, index) =>
  question.querySelector(`input[value="${index}"]`).labels[0].textContent;

/** Mark a choice in words as well as colour: "(right answer)", "(your answer)". */
function tag(input, className, words) {
  const choice = input.closest(".choice");
  choice.classList.add(className);
  const label = document.createElement("span");
  label.className = "choice-tag";
  label.textContent = ` (${words})`;
  input.labels[0].append(label);
}

function check(question, { answer_index: answer, explanation }) {
  const chosen = question.querySelector("input:checked");
  const right = chosen !== null && Number(chosen.value) === answer;
  const feedback = question.querySelector(".feedback");
  const verdict = right ? "Right." : chosen ? "Not quite." : "Not answered.";
  const correction = right ? "" : ` The answer is: ${choiceText(question, answer)}.`;
  feedback.textContent = `${verdict}${correction} ${explanation}`;
  feedback.hidden = false;
  question.classList.add(right ? "is-right" : "is-wrong");
  tag(question.querySelector(`input[value="${answer}"]`), "is-answer", "right answer");
  if (chosen && !right) tag(chosen, "is-chosen", "your answer");
  for (const radio of question.querySelectorAll("input")) radio.disabled = true;
  return right;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const right = questions.filter((question, index) => check(question, key[index])).length;
  score.textContent = `You got ${right} of ${questions.length} right.`;
  submit.hidden = true;
  again.hidden = false;
  score.focus();
});

form.addEventListener("reset", () => {
  for (const question of questions) {
    question.classList.remove("is-right", "is-wrong");
    for (const choice of question.querySelectorAll(".choice")) {
      choice.classList.remove("is-answer", "is-chosen");
    }
    for (const label of question.querySelectorAll(".choice-tag")) label.remove();
    question.querySelector(".feedback").hidden = true;
    for (const radio of question.querySelectorAll("input")) radio.disabled = false;
  }
  score.textContent = "";
  submit.hidden = false;
  again.hidden = true;
  questions[0]?.querySelector("input")?.focus();
});
